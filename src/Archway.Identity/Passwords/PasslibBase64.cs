using System.Buffers;

namespace Archway.Identity.Passwords;

/// <summary>
/// The unpadded base64 forms passlib writes: "b64s" (standard alphabet, used by scrypt) and "ab64" ('.' instead of
/// '+', used by pbkdf2_sha512). Decoding accepts both alphabets, as passlib's ab64_decode does.
/// </summary>
internal static class PasslibBase64
{
    private static readonly SearchValues<char> DecodableChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/.");

    /// <summary>Decodes unpadded b64s or ab64 text; false for other characters or an impossible length.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        // A length of 4n+1 cannot be produced by any byte string; passlib rejects it the same way.
        if (text.Length % 4 == 1 || text.ContainsAnyExcept(DecodableChars))
        {
            return false;
        }

        int padded = (text.Length + 3) / 4 * 4;
        char[] buffer = ArrayPool<char>.Shared.Rent(padded);
        try
        {
            Span<char> standard = buffer.AsSpan(0, padded);
            text.CopyTo(standard);
            standard[..text.Length].Replace('.', '+');
            standard[text.Length..].Fill('=');
            byte[] decoded = new byte[padded / 4 * 3];
            if (!Convert.TryFromBase64Chars(standard, decoded, out int written))
            {
                return false;
            }

            bytes = decoded.AsSpan(0, written).ToArray();
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Standard base64 with the '=' padding removed (passlib's b64s_encode).</summary>
    public static string EncodeB64s(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>b64s with '+' written as '.' (passlib's ab64_encode).</summary>
    public static string EncodeAb64(ReadOnlySpan<byte> bytes) => EncodeB64s(bytes).Replace('+', '.');
}
