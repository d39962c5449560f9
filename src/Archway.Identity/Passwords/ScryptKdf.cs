using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// scrypt (RFC 7914), which the BCL lacks: PBKDF2-HMAC-SHA256 around ROMix over Salsa20/8. Keystone's default
/// cost (N = 2^16, r = 8) takes 64 MiB for about a quarter of a second.
/// </summary>
internal static class ScryptKdf
{
    /// <summary>The most memory (128 * r * N bytes) one derivation may take; bigger parameters are refused.</summary>
    public const long MaxMemoryBytes = 1L << 30;

    /// <summary>
    /// The RFC 7914 parameter rules plus passlib's (N &lt; 2^(16 r), r * p &lt; 2^30) and our memory limit.
    /// </summary>
    public static bool AreValid(int logN, int r, int p) =>
        logN is >= 1 and <= 31 && r >= 1 && p >= 1 &&
        (long)r * p < (1L << 30) &&
        logN < 16L * r &&
        128L * r * (1L << logN) <= MaxMemoryBytes &&
        128L * r * p <= MaxMemoryBytes;

    public static void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int logN, int r, int p,
        Span<byte> destination)
    {
        if (!AreValid(logN, r, p))
        {
            throw new ArgumentOutOfRangeException(nameof(logN), "scrypt parameters out of range.");
        }

        int blockBytes = 128 * r;
        int blockWords = 32 * r;
        int n = 1 << logN;
        byte[] b = new byte[blockBytes * p];
        uint[] x = new uint[blockWords];
        uint[] scratch = new uint[blockWords];
        uint[] v = GC.AllocateUninitializedArray<uint>(n * blockWords);
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, b, 1, HashAlgorithmName.SHA256);
            for (int i = 0; i < p; i++)
            {
                RoMix(b.AsSpan(i * blockBytes, blockBytes), n, r, x, scratch, v);
            }

            Rfc2898DeriveBytes.Pbkdf2(password, b, destination, 1, HashAlgorithmName.SHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(b);
            Array.Clear(x);
            Array.Clear(scratch);
            Array.Clear(v);
        }
    }

    private static void RoMix(Span<byte> block, int n, int r, Span<uint> x, Span<uint> scratch, Span<uint> v)
    {
        int words = x.Length;
        for (int k = 0; k < words; k++)
        {
            x[k] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * k)..]);
        }

        for (int i = 0; i < n; i++)
        {
            x.CopyTo(v.Slice(i * words, words));
            BlockMix(x, scratch, r);
        }

        int last = (2 * r - 1) * 16;
        for (int i = 0; i < n; i++)
        {
            // Integerify: the first word of the last 64-byte block, mod N.
            int j = (int)(x[last] & (uint)(n - 1));
            ReadOnlySpan<uint> vj = v.Slice(j * words, words);
            for (int k = 0; k < words; k++)
            {
                x[k] ^= vj[k];
            }

            BlockMix(x, scratch, r);
        }

        for (int k = 0; k < words; k++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(block[(4 * k)..], x[k]);
        }
    }

    /// <summary>scryptBlockMix: Y_i = Salsa(Y_(i-1) xor B_i), output the even Y_i, then the odd ones.</summary>
    private static void BlockMix(Span<uint> b, Span<uint> y, int r)
    {
        Span<uint> t = stackalloc uint[16];
        b.Slice((2 * r - 1) * 16, 16).CopyTo(t);
        for (int i = 0; i < 2 * r; i++)
        {
            ReadOnlySpan<uint> bi = b.Slice(i * 16, 16);
            for (int k = 0; k < 16; k++)
            {
                t[k] ^= bi[k];
            }

            Salsa20Core8(t);
            t.CopyTo(y.Slice((((i & 1) * r) + (i >> 1)) * 16, 16));
        }

        y.CopyTo(b);
    }

    private static void Salsa20Core8(Span<uint> b)
    {
        uint x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
        uint x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
        for (int round = 0; round < 8; round += 2)
        {
            // Columns.
            x4 ^= BitOperations.RotateLeft(x0 + x12, 7);
            x8 ^= BitOperations.RotateLeft(x4 + x0, 9);
            x12 ^= BitOperations.RotateLeft(x8 + x4, 13);
            x0 ^= BitOperations.RotateLeft(x12 + x8, 18);
            x9 ^= BitOperations.RotateLeft(x5 + x1, 7);
            x13 ^= BitOperations.RotateLeft(x9 + x5, 9);
            x1 ^= BitOperations.RotateLeft(x13 + x9, 13);
            x5 ^= BitOperations.RotateLeft(x1 + x13, 18);
            x14 ^= BitOperations.RotateLeft(x10 + x6, 7);
            x2 ^= BitOperations.RotateLeft(x14 + x10, 9);
            x6 ^= BitOperations.RotateLeft(x2 + x14, 13);
            x10 ^= BitOperations.RotateLeft(x6 + x2, 18);
            x3 ^= BitOperations.RotateLeft(x15 + x11, 7);
            x7 ^= BitOperations.RotateLeft(x3 + x15, 9);
            x11 ^= BitOperations.RotateLeft(x7 + x3, 13);
            x15 ^= BitOperations.RotateLeft(x11 + x7, 18);

            // Rows.
            x1 ^= BitOperations.RotateLeft(x0 + x3, 7);
            x2 ^= BitOperations.RotateLeft(x1 + x0, 9);
            x3 ^= BitOperations.RotateLeft(x2 + x1, 13);
            x0 ^= BitOperations.RotateLeft(x3 + x2, 18);
            x6 ^= BitOperations.RotateLeft(x5 + x4, 7);
            x7 ^= BitOperations.RotateLeft(x6 + x5, 9);
            x4 ^= BitOperations.RotateLeft(x7 + x6, 13);
            x5 ^= BitOperations.RotateLeft(x4 + x7, 18);
            x11 ^= BitOperations.RotateLeft(x10 + x9, 7);
            x8 ^= BitOperations.RotateLeft(x11 + x10, 9);
            x9 ^= BitOperations.RotateLeft(x8 + x11, 13);
            x10 ^= BitOperations.RotateLeft(x9 + x8, 18);
            x12 ^= BitOperations.RotateLeft(x15 + x14, 7);
            x13 ^= BitOperations.RotateLeft(x12 + x15, 9);
            x14 ^= BitOperations.RotateLeft(x13 + x12, 13);
            x15 ^= BitOperations.RotateLeft(x14 + x13, 18);
        }

        b[0] += x0;
        b[1] += x1;
        b[2] += x2;
        b[3] += x3;
        b[4] += x4;
        b[5] += x5;
        b[6] += x6;
        b[7] += x7;
        b[8] += x8;
        b[9] += x9;
        b[10] += x10;
        b[11] += x11;
        b[12] += x12;
        b[13] += x13;
        b[14] += x14;
        b[15] += x15;
    }
}
