using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// passlib's bcrypt_sha256: bcrypt over base64(HMAC-SHA256(key: salt, password)), so passwords are not cut at
/// 72 bytes. Keystone 22 cannot read it (its hashers are bcrypt, scrypt, pbkdf2_sha512, sha512_crypt); Keystone
/// 2025.1 and later write it as "password_hash_algorithm = bcrypt_sha256", in passlib's format, which is this.
/// <list type="bullet">
/// <item>v=2 (passlib 1.7.3+): "$bcrypt-sha256$v=2,t=2b,r=12$" + salt + "$" + checksum, HMAC keyed by the salt.</item>
/// <item>v=1: "$bcrypt-sha256$2a,12$" (or 2b) + salt + "$" + checksum over base64(SHA256(password)).</item>
/// </list>
/// </summary>
internal static class BcryptSha256Hash
{
    public const string Prefix = "$bcrypt-sha256$";

    // base64 of a 32-byte digest, with its padding, as passlib feeds it to bcrypt.
    private const int KeyChars = 44;

    public static string Hash(ReadOnlySpan<byte> secret, int cost, BcryptEngine engine)
    {
        Span<char> salt = stackalloc char[BcryptHash.SaltChars];
        BcryptHash.GenerateSalt(cost, engine, salt);
        Span<char> checksum = stackalloc char[BcryptHash.ChecksumChars];
        if (!TryComputeChecksum(secret, version: 2, cost, salt, engine, checksum))
        {
            throw new InvalidOperationException($"The {engine} bcrypt engine could not hash the password.");
        }

        return string.Concat(
            $"{Prefix}v=2,t=2b,r={cost.ToString(CultureInfo.InvariantCulture)}$", salt, "$", checksum);
    }

    public static bool Verify(ReadOnlySpan<byte> secret, string storedHash, BcryptEngine engine)
    {
        if (!TryParse(storedHash, out int version, out int cost, out ReadOnlySpan<char> salt22,
                out ReadOnlySpan<char> checksum31))
        {
            return false;
        }

        // passlib repairs stray bits in the salt as it parses, before the v=2 HMAC is keyed with the salt's text.
        Span<char> salt = stackalloc char[BcryptHash.SaltChars];
        salt22.CopyTo(salt);
        salt[^1] = Bcrypt64.ClearUnusedBits(salt[^1], 4);

        Span<char> expected = stackalloc char[BcryptHash.ChecksumChars];
        checksum31.CopyTo(expected);
        expected[^1] = Bcrypt64.ClearUnusedBits(expected[^1], 2);
        Span<char> actual = stackalloc char[BcryptHash.ChecksumChars];
        return TryComputeChecksum(secret, version, cost, salt, engine, actual) &&
               BcryptHash.FixedTimeEquals(actual, expected);
    }

    private static bool TryComputeChecksum(ReadOnlySpan<byte> secret, int version, int cost, ReadOnlySpan<char> salt,
        BcryptEngine engine, Span<char> checksum)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        if (version == 1)
        {
            SHA256.HashData(secret, digest);
        }
        else
        {
            Span<byte> hmacKey = stackalloc byte[BcryptHash.SaltChars];
            for (int i = 0; i < salt.Length; i++)
            {
                hmacKey[i] = (byte)salt[i];
            }

            HMACSHA256.HashData(hmacKey, secret, digest);
        }

        Span<byte> key = stackalloc byte[KeyChars];
        bool encoded = Base64.EncodeToUtf8(digest, key, out _, out int written) == OperationStatus.Done &&
                       written == KeyChars;
        CryptographicOperations.ZeroMemory(digest);
        bool computed = encoded && BcryptHash.TryComputeChecksum(key, cost, salt, engine, checksum);
        CryptographicOperations.ZeroMemory(key);
        return computed;
    }

    /// <summary>Parses both of passlib's layouts; rounds are decimal without zero padding, in [4, 31].</summary>
    private static bool TryParse(string hash, out int version, out int cost, out ReadOnlySpan<char> salt,
        out ReadOnlySpan<char> checksum)
    {
        version = cost = 0;
        salt = checksum = default;
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = hash.AsSpan(Prefix.Length);
        int paramsEnd = rest.IndexOf('$');
        if (paramsEnd < 0)
        {
            return false;
        }

        ReadOnlySpan<char> parameters = rest[..paramsEnd];
        ReadOnlySpan<char> rounds;
        if (parameters.StartsWith("v="))
        {
            // v=<version>,t=2b,r=<rounds>
            int comma = parameters.IndexOf(',');
            if (comma < 0 || !TryParseDecimal(parameters[2..comma], out version) || version != 2 ||
                !parameters[(comma + 1)..].StartsWith("t=2b,r="))
            {
                return false;
            }

            rounds = parameters[(comma + 1 + "t=2b,r=".Length)..];
        }
        else if (parameters.StartsWith("2a,") || parameters.StartsWith("2b,"))
        {
            version = 1;
            rounds = parameters[3..];
        }
        else
        {
            return false;
        }

        // passlib: \d{1,2} and no zero padding.
        if (rounds.Length is < 1 or > 2 || (rounds.Length == 2 && rounds[0] == '0') ||
            !TryParseDecimal(rounds, out cost) || cost is < BcryptHash.MinCost or > BcryptHash.MaxCost)
        {
            return false;
        }

        ReadOnlySpan<char> body = rest[(paramsEnd + 1)..];
        if (body.Length != BcryptHash.SaltChars + 1 + BcryptHash.ChecksumChars || body[BcryptHash.SaltChars] != '$')
        {
            return false;
        }

        salt = body[..BcryptHash.SaltChars];
        checksum = body[(BcryptHash.SaltChars + 1)..];
        return Bcrypt64.IsValid(salt) && Bcrypt64.IsValid(checksum);
    }

    private static bool TryParseDecimal(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 9)
        {
            return false;
        }

        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
