using System.Buffers;

namespace Archway.Identity.Passwords;

/// <summary>
/// bcrypt's base64 dialect: its own alphabet, most significant bits first, no padding. A 16-byte salt is 22
/// characters (the last carries 4 unused bits), a 23-byte checksum 31 characters (2 unused bits).
/// </summary>
internal static class Bcrypt64
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly SearchValues<char> AlphabetValues = SearchValues.Create(Alphabet);

    public static bool IsValid(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(AlphabetValues);

    /// <summary>
    /// The character with its unused low bits cleared. bcrypt ignores them, and passlib "repairs" them before it
    /// compares a checksum, so two encodings that differ only there are the same hash.
    /// </summary>
    public static char ClearUnusedBits(char last, int unusedBits)
    {
        int index = Alphabet.IndexOf(last, StringComparison.Ordinal);
        return Alphabet[index & ~((1 << unusedBits) - 1)];
    }

    /// <summary>Encodes <paramref name="bytes"/> into exactly ceil(len * 4 / 3) characters.</summary>
    public static void Encode(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        int position = 0;
        int offset = 0;
        while (offset < bytes.Length)
        {
            int c1 = bytes[offset++];
            destination[position++] = Alphabet[c1 >> 2];
            c1 = (c1 & 0x03) << 4;
            if (offset >= bytes.Length)
            {
                destination[position] = Alphabet[c1];
                return;
            }

            int c2 = bytes[offset++];
            destination[position++] = Alphabet[c1 | (c2 >> 4)];
            c1 = (c2 & 0x0f) << 2;
            if (offset >= bytes.Length)
            {
                destination[position] = Alphabet[c1];
                return;
            }

            c2 = bytes[offset++];
            destination[position++] = Alphabet[c1 | (c2 >> 6)];
            destination[position++] = Alphabet[c2 & 0x3f];
        }
    }
}
