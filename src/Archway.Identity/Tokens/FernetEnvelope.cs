using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Archway.Identity.Tokens;

/// <summary>
/// The Fernet token envelope (github.com/fernet/spec, version 0x80):
/// <c>0x80 ‖ timestamp u64 BE ‖ IV (16) ‖ AES-128-CBC(PKCS7(plaintext)) ‖ HMAC-SHA256(signing key, all before)</c>,
/// carried as base64url. Keystone strips the '=' padding; both forms are accepted here.
/// There is deliberately no TTL check: Keystone decrypts without one and keeps expiry in the payload.
/// </summary>
internal static class FernetEnvelope
{
    public const byte Version = 0x80;
    public const int IvLength = 16;
    public const int MacLength = 32;
    private const int BlockLength = 16;
    private const int TimestampOffset = 1;
    private const int IvOffset = 9;
    private const int CiphertextOffset = IvOffset + IvLength;

    /// <summary>Header and MAC around the ciphertext: 57 bytes.</summary>
    public const int Overhead = CiphertextOffset + MacLength;

    /// <summary>The shortest well-formed token: one ciphertext block, 73 bytes.</summary>
    public const int MinLength = Overhead + BlockLength;

    /// <summary>Bytes of a token whose plaintext is <paramref name="plaintextLength"/> bytes.</summary>
    public static int GetSealedLength(int plaintextLength) =>
        Overhead + ((plaintextLength / BlockLength) + 1) * BlockLength;

    /// <summary>Scratch bytes <see cref="TryOpen"/> needs for a token of <paramref name="tokenChars"/> characters.</summary>
    public static int GetScratchLength(int tokenChars) => 2 * Base64Url.GetMaxDecodedLength(tokenChars);

    /// <summary>Writes the token bytes for <paramref name="plaintext"/> into <paramref name="destination"/>.</summary>
    public static int Seal(FernetKey key, ReadOnlySpan<byte> plaintext, long timestamp, ReadOnlySpan<byte> iv, Span<byte> destination)
    {
        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"The IV is {IvLength} bytes.", nameof(iv));
        }

        var length = GetSealedLength(plaintext.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        destination[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(destination[TimestampOffset..], (ulong)timestamp);
        iv.CopyTo(destination[IvOffset..]);
        var ciphertextLength = key.EncryptCbc(plaintext, iv, destination[CiphertextOffset..]);
        var macOffset = CiphertextOffset + ciphertextLength;
        key.ComputeMac(destination[..macOffset], destination.Slice(macOffset, MacLength));
        return macOffset + MacLength;
    }

    /// <summary>Seals and encodes as Keystone's <c>pack()</c> does: base64url without '=' padding.</summary>
    public static string SealToString(FernetKey key, ReadOnlySpan<byte> plaintext, long timestamp, ReadOnlySpan<byte> iv)
    {
        var length = GetSealedLength(plaintext.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Seal(key, plaintext, timestamp, iv, buffer);
            return Base64Url.EncodeToString(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Decodes <paramref name="token"/>, finds the key whose MAC matches (keys are tried in order, as
    /// <c>MultiFernet</c> does), decrypts and removes the padding. The token bytes and then the plaintext
    /// are written to <paramref name="scratch"/> (at least <see cref="GetScratchLength"/> bytes);
    /// the plaintext is <c>scratch[plaintextOffset..plaintextOffset + plaintextLength]</c>.
    /// Returns false, never throws, for anything that is not a token sealed by one of <paramref name="keys"/>.
    /// </summary>
    public static bool TryOpen(
        ReadOnlySpan<char> token,
        FernetKey[] keys,
        byte[] scratch,
        out int plaintextOffset,
        out int plaintextLength,
        out ulong timestamp)
    {
        plaintextOffset = 0;
        plaintextLength = 0;
        timestamp = 0;
        if (Base64Url.DecodeFromChars(token, scratch, out var consumed, out var length) != OperationStatus.Done
            || consumed != token.Length
            || length < MinLength
            || (length - Overhead) % BlockLength != 0
            || scratch[0] != Version)
        {
            return false;
        }

        var macOffset = length - MacLength;
        var signed = scratch.AsSpan(0, macOffset);
        var expectedMac = scratch.AsSpan(macOffset, MacLength);
        Span<byte> mac = stackalloc byte[MacLength];
        foreach (var key in keys)
        {
            key.ComputeMac(signed, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, expectedMac))
            {
                continue;
            }

            // Authentic: only now is the content worth looking at.
            var ciphertextLength = macOffset - CiphertextOffset;
            key.DecryptCbcNoPadding(scratch, CiphertextOffset, ciphertextLength, scratch.AsSpan(IvOffset, IvLength), length);
            var padded = scratch.AsSpan(length, ciphertextLength);
            int pad = padded[^1];
            if (pad is 0 or > BlockLength || padded[^pad..].ContainsAnyExcept((byte)pad))
            {
                return false;
            }

            timestamp = BinaryPrimitives.ReadUInt64BigEndian(scratch.AsSpan(TimestampOffset, 8));
            plaintextOffset = length;
            plaintextLength = ciphertextLength - pad;
            return true;
        }

        return false;
    }

    /// <summary>Convenience for tools and tests: the plaintext, or null.</summary>
    public static byte[]? Open(ReadOnlySpan<char> token, FernetKey[] keys, out ulong timestamp)
    {
        var scratch = new byte[GetScratchLength(token.Length)];
        return TryOpen(token, keys, scratch, out var offset, out var length, out timestamp)
            ? scratch.AsSpan(offset, length).ToArray()
            : null;
    }
}
