using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Archway.Identity.Passwords;

/// <summary>
/// Keystone's "bcrypt" (passlib.hash.bcrypt over Python's bcrypt): "$2b$" + two-digit cost + "$" + 22-character
/// salt + 31-character checksum. Verifies "$2a$", "$2b$", "$2y$" and legacy "$2$" the way passlib does; refuses
/// "$2x$" (crypt_blowfish's buggy mode), as passlib does.
/// </summary>
internal static class BcryptHash
{
    /// <summary>bcrypt reads at most this many key bytes.</summary>
    public const int MaxKeyBytes = 72;

    public const int MinCost = 4;
    public const int MaxCost = 31;
    public const int SaltChars = 22;
    public const int ChecksumChars = 31;

    private const string HashIdent = "$2b$";

    public static string Hash(ReadOnlySpan<byte> secret, int cost, BcryptEngine engine)
    {
        // passlib raises PasswordValueError here: bcrypt implementations silently stop at the first NUL.
        if (secret.Contains((byte)0))
        {
            throw new ArgumentException("bcrypt does not allow NUL characters in a password.", nameof(secret));
        }

        Span<char> salt = stackalloc char[SaltChars];
        GenerateSalt(cost, engine, salt);
        Span<char> checksum = stackalloc char[ChecksumChars];
        if (!TryComputeChecksum(secret[..Math.Min(secret.Length, MaxKeyBytes)], cost, salt, engine, checksum))
        {
            throw new InvalidOperationException($"The {engine} bcrypt engine could not hash the password.");
        }

        // "$2b$12$" + salt + checksum: 60 characters.
        Span<char> hash = stackalloc char[7 + SaltChars + ChecksumChars];
        WriteSetting(cost, salt, hash);
        checksum.CopyTo(hash[(7 + SaltChars)..]);
        return new string(hash);
    }

    public static bool Verify(ReadOnlySpan<byte> secret, string storedHash, BcryptEngine engine)
    {
        if (!TryParse(storedHash, out bool legacyNoMinor, out int cost, out ReadOnlySpan<char> salt22,
                out ReadOnlySpan<char> checksum31) || secret.Contains((byte)0))
        {
            return false;
        }

        Span<byte> key = stackalloc byte[MaxKeyBytes];
        int keyLength;
        if (legacyNoMinor && !secret.IsEmpty)
        {
            // "$2$" used the key without its NUL terminator; passlib emulates it by repeating the password to
            // 72 bytes and hashing that with the modern algorithm.
            for (int i = 0; i < MaxKeyBytes; i++)
            {
                key[i] = secret[i % secret.Length];
            }

            keyLength = MaxKeyBytes;
        }
        else
        {
            keyLength = Math.Min(secret.Length, MaxKeyBytes);
            secret[..keyLength].CopyTo(key);
        }

        Span<char> salt = stackalloc char[SaltChars];
        salt22.CopyTo(salt);
        salt[^1] = Bcrypt64.ClearUnusedBits(salt[^1], 4);
        Span<char> expected = stackalloc char[ChecksumChars];
        checksum31.CopyTo(expected);
        expected[^1] = Bcrypt64.ClearUnusedBits(expected[^1], 2);

        Span<char> actual = stackalloc char[ChecksumChars];
        bool computed = TryComputeChecksum(key[..keyLength], cost, salt, engine, actual);
        CryptographicOperations.ZeroMemory(key);
        return computed && FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Parses a stored bcrypt hash as passlib's bcrypt.from_string does: a known ident, exactly two cost digits in
    /// [4, 31], and a bcrypt64 salt and checksum of exact length.
    /// </summary>
    private static bool TryParse(string hash, out bool legacyNoMinor, out int cost, out ReadOnlySpan<char> salt,
        out ReadOnlySpan<char> checksum)
    {
        legacyNoMinor = false;
        cost = 0;
        salt = checksum = default;
        ReadOnlySpan<char> rest;
        if (hash.StartsWith("$2$", StringComparison.Ordinal))
        {
            legacyNoMinor = true;
            rest = hash.AsSpan(3);
        }
        else if (hash.StartsWith("$2a$", StringComparison.Ordinal) ||
                 hash.StartsWith("$2b$", StringComparison.Ordinal) ||
                 hash.StartsWith("$2y$", StringComparison.Ordinal))
        {
            rest = hash.AsSpan(4);
        }
        else
        {
            return false;
        }

        if (rest.Length != 3 + SaltChars + ChecksumChars || !char.IsAsciiDigit(rest[0]) ||
            !char.IsAsciiDigit(rest[1]) || rest[2] != '$')
        {
            return false;
        }

        cost = ((rest[0] - '0') * 10) + (rest[1] - '0');
        salt = rest.Slice(3, SaltChars);
        checksum = rest[(3 + SaltChars)..];
        return cost is >= MinCost and <= MaxCost && Bcrypt64.IsValid(salt) && Bcrypt64.IsValid(checksum);
    }

    /// <summary>Fills <paramref name="salt"/> with 22 random bcrypt64 characters whose unused bits are zero.</summary>
    public static void GenerateSalt(int cost, BcryptEngine engine, Span<char> salt)
    {
        if (engine != BcryptEngine.BCryptNet && LibXCrypt.IsAvailable)
        {
            // "$2b$12$" + 22 salt characters.
            Span<char> setting = stackalloc char[64];
            int length = LibXCrypt.GenerateSetting(HashIdent, cost, setting);
            if (length == 7 + SaltChars)
            {
                setting.Slice(7, SaltChars).CopyTo(salt);
                return;
            }
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        Bcrypt64.Encode(random, salt);
    }

    /// <summary>
    /// The 31-character checksum of bcrypt($2b$, <paramref name="cost"/>, <paramref name="salt"/>) over
    /// <paramref name="key"/> (at most 72 bytes, no NUL) plus its NUL terminator. $2b$ is the correct algorithm
    /// for every ident passlib accepts: libxcrypt's $2a$ adds a countermeasure that Python's bcrypt lacks.
    /// </summary>
    public static bool TryComputeChecksum(ReadOnlySpan<byte> key, int cost, ReadOnlySpan<char> salt,
        BcryptEngine engine, Span<char> checksum)
    {
        if (engine != BcryptEngine.BCryptNet && LibXCrypt.IsAvailable)
        {
            Span<char> setting = stackalloc char[7 + SaltChars];
            WriteSetting(cost, salt, setting);

            Span<char> output = stackalloc char[128];
            int length = LibXCrypt.Crypt(key, setting, output);
            if (length == setting.Length + ChecksumChars && output[..setting.Length].SequenceEqual(setting))
            {
                output.Slice(setting.Length, ChecksumChars).CopyTo(checksum);
                return true;
            }

            if (engine == BcryptEngine.LibXCrypt)
            {
                return false;
            }
        }
        else if (engine == BcryptEngine.LibXCrypt)
        {
            return false;
        }

        return TryComputeChecksumManaged(key, cost, salt, checksum);
    }

    /// <summary>Writes "$2b$" + two-digit cost + "$" + salt (29 characters).</summary>
    private static void WriteSetting(int cost, ReadOnlySpan<char> salt, Span<char> destination)
    {
        HashIdent.CopyTo(destination);
        destination[4] = (char)('0' + (cost / 10));
        destination[5] = (char)('0' + (cost % 10));
        destination[6] = '$';
        salt.CopyTo(destination[7..]);
    }

    private static bool TryComputeChecksumManaged(ReadOnlySpan<byte> key, int cost, ReadOnlySpan<char> salt,
        Span<char> checksum)
    {
        if (!TryGetKeyString(key, out string? keyString))
        {
            return false;
        }

        Span<char> setting = stackalloc char[7 + SaltChars];
        WriteSetting(cost, salt, setting);
        string hash = BCrypt.Net.BCrypt.HashPassword(keyString, new string(setting));
        hash.AsSpan(hash.Length - ChecksumChars).CopyTo(checksum);
        return true;
    }

    /// <summary>
    /// BCrypt.Net-Next only takes a string, whose UTF-8 bytes (plus a NUL) become the key. Keystone truncates
    /// passwords by bytes, so a 72-byte key can end inside a character; bcrypt never reads past byte 72, so
    /// any continuation bytes that complete that character give the same hash. Shorter keys must decode exactly.
    /// </summary>
    private static bool TryGetKeyString(ReadOnlySpan<byte> key, [NotNullWhen(true)] out string? keyString)
    {
        if (TryDecodeUtf8(key, out keyString))
        {
            return true;
        }

        if (key.Length < MaxKeyBytes)
        {
            return false;
        }

        Span<byte> completed = stackalloc byte[MaxKeyBytes + 3];
        key.CopyTo(completed);
        // 0x80 completes most sequences; E0 needs A0-BF next, F0 needs 90-BF.
        foreach (byte filler in (ReadOnlySpan<byte>)[0x80, 0x90, 0xA0])
        {
            for (int extra = 1; extra <= 3; extra++)
            {
                completed.Slice(MaxKeyBytes, extra).Fill(filler);
                if (TryDecodeUtf8(completed[..(MaxKeyBytes + extra)], out keyString))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out string? text)
    {
        Span<char> chars = stackalloc char[MaxKeyBytes + 3];
        OperationStatus status = Utf8.ToUtf16(bytes, chars, out _, out int written,
            replaceInvalidSequences: false, isFinalBlock: true);
        text = status == OperationStatus.Done ? new string(chars[..written]) : null;
        return text is not null;
    }

    public static bool FixedTimeEquals(ReadOnlySpan<char> left, ReadOnlySpan<char> right) =>
        CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(left),
            MemoryMarshal.AsBytes(right));
}
