using System.Globalization;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// passlib's pbkdf2_sha512: "$pbkdf2-sha512$" + rounds + "$" + ab64(salt) + "$" + ab64(PBKDF2-HMAC-SHA512, 64 bytes).
/// </summary>
internal static class Pbkdf2Sha512Hash
{
    public const string Prefix = "$pbkdf2-sha512$";

    /// <summary>
    /// passlib 1.7's default, which Keystone uses when password_hash_rounds is unset (its help text says 60000,
    /// but it never passes that to passlib).
    /// </summary>
    public const int DefaultRounds = 25000;

    /// <summary>passlib's default_salt_size; Keystone's salt_bytesize is unset by default.</summary>
    public const int SaltBytes = 16;

    private const int ChecksumBytes = 64;

    // passlib's max_salt_size.
    private const int MaxSaltBytes = 1024;

    public static string Hash(ReadOnlySpan<byte> secret, int rounds)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        Span<byte> checksum = stackalloc byte[ChecksumBytes];
        Rfc2898DeriveBytes.Pbkdf2(secret, salt, checksum, rounds, HashAlgorithmName.SHA512);
        return string.Concat(Prefix, rounds.ToString(CultureInfo.InvariantCulture), "$",
            PasslibBase64.EncodeAb64(salt), "$", PasslibBase64.EncodeAb64(checksum));
    }

    public static bool Verify(ReadOnlySpan<byte> secret, string storedHash)
    {
        if (!TryParse(storedHash, out int rounds, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[ChecksumBytes];
        Rfc2898DeriveBytes.Pbkdf2(secret, salt, actual, rounds, HashAlgorithmName.SHA512);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// passlib's parse_mc3: three '$'-separated fields, decimal rounds without zero padding in [1, 2^32 - 1] (we
    /// stop at int.MaxValue, which no real hash approaches), at most 1024 salt bytes, exactly 64 checksum bytes.
    /// </summary>
    private static bool TryParse(string hash, out int rounds, out byte[] salt, out byte[] checksum)
    {
        rounds = 0;
        salt = checksum = [];
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = hash.AsSpan(Prefix.Length);
        Span<Range> fields = stackalloc Range[4];
        if (rest.Split(fields, '$') != 3)
        {
            return false;
        }

        ReadOnlySpan<char> roundsText = rest[fields[0]];
        return !(roundsText.Length > 1 && roundsText[0] == '0') &&
               !roundsText.ContainsAnyExceptInRange('0', '9') &&
               int.TryParse(roundsText, NumberStyles.None, CultureInfo.InvariantCulture, out rounds) &&
               rounds >= 1 &&
               PasslibBase64.TryDecode(rest[fields[1]], out salt) && salt.Length <= MaxSaltBytes &&
               PasslibBase64.TryDecode(rest[fields[2]], out checksum) &&
               checksum.Length == ChecksumBytes;
    }
}
