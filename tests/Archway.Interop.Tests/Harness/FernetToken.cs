using System.Security.Cryptography;

namespace Archway.Interop.Tests.Harness;

/// <summary>Just enough of the Fernet spec to tell which key of a repository signed a token.</summary>
public static class FernetToken
{
    /// <summary>
    /// True when the token's HMAC-SHA256 verifies with the signing half of <paramref name="keyFile"/>
    /// (a Keystone key file: a urlsafe-base64 32-byte key, signing key first).
    /// </summary>
    public static bool IsSignedBy(string token, string keyFile)
    {
        var key = FromUrlSafeBase64(File.ReadAllText(keyFile).Trim());
        var data = FromUrlSafeBase64(token);
        // version (1) | timestamp (8) | IV (16) | ciphertext (n*16) | HMAC (32)
        if (key.Length != 32 || data.Length < 1 + 8 + 16 + 16 + 32)
        {
            return false;
        }
        var signed = data.AsSpan(0, data.Length - 32);
        var mac = HMACSHA256.HashData(key.AsSpan(0, 16), signed);
        return CryptographicOperations.FixedTimeEquals(mac, data.AsSpan(data.Length - 32));
    }

    /// <summary>Keystone strips the '=' padding from tokens; key files keep it.</summary>
    private static byte[] FromUrlSafeBase64(string text)
    {
        var standard = text.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='));
    }
}
