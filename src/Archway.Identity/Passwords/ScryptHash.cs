using System.Globalization;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// passlib's scrypt, as Keystone writes it: "$scrypt$ln=16,r=8,p=1$" + b64s(salt) + "$" + b64s(32-byte key).
/// passlib's other scrypt form, "$7$", which Keystone never writes, is not read.
/// </summary>
internal static class ScryptHash
{
    public const string Prefix = "$scrypt$";

    /// <summary>passlib's default_rounds (log2 N), which Keystone uses when password_hash_rounds is unset.</summary>
    public const int DefaultLogN = 16;

    /// <summary>passlib's defaults, used while Keystone's scrypt_block_size and scrypt_parallelism are unset.</summary>
    public const int BlockSize = 8;

    public const int Parallelism = 1;

    public const int SaltBytes = 16;

    private const int KeyBytes = 32;

    // passlib's max_salt_size.
    private const int MaxSaltBytes = 1024;

    public static string Hash(ReadOnlySpan<byte> secret, int logN)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        Span<byte> key = stackalloc byte[KeyBytes];
        ScryptKdf.DeriveKey(secret, salt, logN, BlockSize, Parallelism, key);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}ln={logN},r={BlockSize},p={Parallelism}${PasslibBase64.EncodeB64s(salt)}${PasslibBase64.EncodeB64s(key)}");
    }

    public static bool Verify(ReadOnlySpan<byte> secret, string storedHash)
    {
        if (!TryParse(storedHash, out int logN, out int r, out int p, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[KeyBytes];
        ScryptKdf.DeriveKey(secret, salt, logN, r, p, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// passlib's _parse_scrypt_string: "ln=,r=,p=" in that order as decimals, salt and a 32-byte key in b64s;
    /// parameters within <see cref="ScryptKdf.AreValid"/>.
    /// </summary>
    private static bool TryParse(string hash, out int logN, out int r, out int p, out byte[] salt, out byte[] key)
    {
        logN = r = p = 0;
        salt = key = [];
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

        ReadOnlySpan<char> parameters = rest[fields[0]];
        Span<Range> settings = stackalloc Range[4];
        return parameters.Split(settings, ',') == 3 &&
               TryParseSetting(parameters[settings[0]], "ln=", out logN) &&
               TryParseSetting(parameters[settings[1]], "r=", out r) &&
               TryParseSetting(parameters[settings[2]], "p=", out p) &&
               ScryptKdf.AreValid(logN, r, p) &&
               PasslibBase64.TryDecode(rest[fields[1]], out salt) && salt.Length <= MaxSaltBytes &&
               PasslibBase64.TryDecode(rest[fields[2]], out key) && key.Length == KeyBytes;
    }

    private static bool TryParseSetting(ReadOnlySpan<char> setting, string name, out int value)
    {
        value = 0;
        return setting.StartsWith(name, StringComparison.Ordinal) &&
               int.TryParse(setting[name.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
