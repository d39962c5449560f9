using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// SHA-512 crypt ("$6$[rounds=N$]salt$checksum", Drepper's specification), verify only. Keystone wrote these
/// before Pike and still reads them, so old user rows may hold them. Managed rather than libxcrypt, whose 511-byte
/// passphrase limit Keystone's 4096-byte passwords would exceed.
/// </summary>
internal static class Sha512CryptHash
{
    public const string Prefix = "$6$";

    private const string RoundsPrefix = "rounds=";
    private const int DefaultRounds = 5000;
    private const int MinRounds = 1000;
    private const int MaxRounds = 999_999_999;
    private const int MaxSaltChars = 16;
    private const int ChecksumChars = 86;
    private const string Hash64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly SearchValues<char> Hash64Values = SearchValues.Create(Hash64);

    // The order in which the 64 digest bytes are written, three at a time (the last alone), per the specification.
    private static ReadOnlySpan<byte> EncodingOrder =>
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51,
        31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60,
        40, 61, 19, 62, 20, 41, 63,
    ];

    public static bool Verify(ReadOnlySpan<byte> secret, string storedHash)
    {
        // passlib refuses NUL ("null character in secret"): C crypt() would stop there.
        if (!TryParse(storedHash, out int rounds, out ReadOnlySpan<char> salt, out ReadOnlySpan<char> expected) ||
            secret.Contains((byte)0))
        {
            return false;
        }

        Span<byte> saltBytes = stackalloc byte[salt.Length];
        for (int i = 0; i < salt.Length; i++)
        {
            saltBytes[i] = (byte)salt[i];
        }

        Span<char> actual = stackalloc char[ChecksumChars];
        Compute(secret, saltBytes, rounds, actual);
        return BcryptHash.FixedTimeEquals(actual, expected);
    }

    internal static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, int rounds, Span<char> checksum)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Span<byte> alternate = stackalloc byte[64];
        sha.AppendData(key);
        sha.AppendData(salt);
        sha.AppendData(key);
        sha.GetHashAndReset(alternate);

        sha.AppendData(key);
        sha.AppendData(salt);
        int count;
        for (count = key.Length; count > 64; count -= 64)
        {
            sha.AppendData(alternate);
        }

        sha.AppendData(alternate[..count]);
        for (count = key.Length; count > 0; count >>= 1)
        {
            sha.AppendData((count & 1) != 0 ? alternate : key);
        }

        Span<byte> digest = stackalloc byte[64];
        sha.GetHashAndReset(digest);

        // P: SHA-512 of the key repeated key-length times, stretched to the key's length.
        for (int i = 0; i < key.Length; i++)
        {
            sha.AppendData(key);
        }

        Span<byte> temp = stackalloc byte[64];
        sha.GetHashAndReset(temp);
        byte[] p = ArrayPool<byte>.Shared.Rent(Math.Max(key.Length, 1));
        Span<byte> pSpan = p.AsSpan(0, key.Length);
        for (int i = 0; i < pSpan.Length; i++)
        {
            pSpan[i] = temp[i % 64];
        }

        // S: SHA-512 of the salt repeated 16 + digest[0] times, stretched to the salt's length.
        for (int i = 0; i < 16 + digest[0]; i++)
        {
            sha.AppendData(salt);
        }

        sha.GetHashAndReset(temp);
        Span<byte> s = stackalloc byte[salt.Length];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = temp[i % 64];
        }

        for (int i = 0; i < rounds; i++)
        {
            sha.AppendData((i & 1) != 0 ? pSpan : digest);
            if (i % 3 != 0)
            {
                sha.AppendData(s);
            }

            if (i % 7 != 0)
            {
                sha.AppendData(pSpan);
            }

            sha.AppendData((i & 1) != 0 ? digest : pSpan);
            sha.GetHashAndReset(digest);
        }

        CryptographicOperations.ZeroMemory(pSpan);
        ArrayPool<byte>.Shared.Return(p);
        CryptographicOperations.ZeroMemory(alternate);
        CryptographicOperations.ZeroMemory(temp);

        ReadOnlySpan<byte> order = EncodingOrder;
        int position = 0;
        for (int i = 0; i < 63; i += 3)
        {
            int word = (digest[order[i]] << 16) | (digest[order[i + 1]] << 8) | digest[order[i + 2]];
            for (int n = 0; n < 4; n++, word >>= 6)
            {
                checksum[position++] = Hash64[word & 0x3f];
            }
        }

        int lastWord = digest[order[63]];
        checksum[position++] = Hash64[lastWord & 0x3f];
        checksum[position] = Hash64[lastWord >> 6];
    }

    /// <summary>
    /// passlib's sha512_crypt.from_string: optional "rounds=" (decimal, no zero padding, [1000, 999999999]),
    /// a salt of at most 16 hash64 characters, an 86-character checksum.
    /// </summary>
    private static bool TryParse(string hash, out int rounds, out ReadOnlySpan<char> salt,
        out ReadOnlySpan<char> checksum)
    {
        rounds = DefaultRounds;
        salt = checksum = default;
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = hash.AsSpan(Prefix.Length);
        if (rest.StartsWith(RoundsPrefix, StringComparison.Ordinal))
        {
            int end = rest.IndexOf('$');
            if (end < 0)
            {
                return false;
            }

            ReadOnlySpan<char> roundsText = rest[RoundsPrefix.Length..end];
            if ((roundsText.Length > 1 && roundsText[0] == '0') ||
                !int.TryParse(roundsText, NumberStyles.None, CultureInfo.InvariantCulture, out rounds) ||
                rounds is < MinRounds or > MaxRounds)
            {
                return false;
            }

            rest = rest[(end + 1)..];
        }

        int separator = rest.IndexOf('$');
        if (separator < 0)
        {
            return false;
        }

        salt = rest[..separator];
        checksum = rest[(separator + 1)..];
        return salt.Length <= MaxSaltChars && !salt.ContainsAnyExcept(Hash64Values) &&
               checksum.Length == ChecksumChars && !checksum.ContainsAnyExcept(Hash64Values);
    }
}
