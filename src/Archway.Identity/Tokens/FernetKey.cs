using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Archway.Identity.Tokens;

/// <summary>
/// One Fernet key, <c>signing key (16) ‖ encryption key (16)</c>, with its crypto contexts cached per thread.
/// </summary>
/// <remarks>
/// Why per-thread contexts, and why CBC is done here over AES-ECB: on Linux (OpenSSL 3) the one-shot
/// <c>HMACSHA256.HashData</c> and <c>Aes.DecryptCbc</c> build a native context on every call, which costs
/// several times the crypto itself (and DecryptCbc allocates). A reused <see cref="IncrementalHash"/> and a
/// reused ECB decryptor keep their native contexts; neither is thread-safe, hence one set per thread. ECB
/// with no padding carries no state between calls, so CBC chaining (XOR with the IV or previous ciphertext
/// block) is done here; the result is ordinary CBC decryption.
/// The contexts are not disposed when a key set is dropped after rotation, because another thread may still
/// be using them; their SafeHandles release the native memory once they are collected.
/// </remarks>
internal sealed class FernetKey
{
    public const int Length = 32;
    public const int HalfLength = 16;

    private readonly byte[] _signingKey;
    private readonly byte[] _encryptionKey;
    private readonly ThreadLocal<Contexts> _contexts;

    public FernetKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"A Fernet key is {Length} bytes.", nameof(key));
        }

        _signingKey = key[..HalfLength].ToArray();
        _encryptionKey = key[HalfLength..].ToArray();
        _contexts = new ThreadLocal<Contexts>(() => new Contexts(_signingKey, _encryptionKey));
    }

    /// <summary>True when this is the same key material (used to keep warm contexts across reloads).</summary>
    public bool Matches(ReadOnlySpan<byte> key) =>
        key.Length == Length
        && key[..HalfLength].SequenceEqual(_signingKey)
        && key[HalfLength..].SequenceEqual(_encryptionKey);

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under the signing key, into 32 bytes.</summary>
    public void ComputeMac(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var hmac = _contexts.Value!.Hmac;
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }

    /// <summary>
    /// AES-128-CBC decryption without padding removal: <paramref name="length"/> bytes (whole blocks) at
    /// <paramref name="sourceOffset"/> into <paramref name="destinationOffset"/> of the same buffer.
    /// The regions must not overlap.
    /// </summary>
    public void DecryptCbcNoPadding(byte[] buffer, int sourceOffset, int length, ReadOnlySpan<byte> iv, int destinationOffset)
    {
        var written = _contexts.Value!.EcbDecryptor.TransformBlock(buffer, sourceOffset, length, buffer, destinationOffset);
        if (written != length)
        {
            throw new CryptographicException("AES-ECB decryptor returned a partial result.");
        }

        var plaintext = buffer.AsSpan(destinationOffset, length);
        var ciphertext = buffer.AsSpan(sourceOffset, length);
        Xor(plaintext[..HalfLength], iv);
        for (var offset = HalfLength; offset < length; offset += HalfLength)
        {
            Xor(plaintext.Slice(offset, HalfLength), ciphertext.Slice(offset - HalfLength, HalfLength));
        }
    }

    /// <summary>AES-128-CBC with PKCS7 padding; returns the bytes written.</summary>
    public int EncryptCbc(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv, Span<byte> destination) =>
        _contexts.Value!.Aes.EncryptCbc(plaintext, iv, destination, PaddingMode.PKCS7);

    private static void Xor(Span<byte> block, ReadOnlySpan<byte> with)
    {
        var result = Vector128.Create<byte>(block) ^ Vector128.Create(with);
        result.CopyTo(block);
    }

    private sealed class Contexts
    {
        public Contexts(byte[] signingKey, byte[] encryptionKey)
        {
            Hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, signingKey);
            Aes = Aes.Create();
            Aes.Key = encryptionKey;
#pragma warning disable CA5358 // ECB is the block primitive here: DecryptCbcNoPadding does the CBC chaining.
            Aes.Mode = CipherMode.ECB;
#pragma warning restore CA5358
            Aes.Padding = PaddingMode.None;
            EcbDecryptor = Aes.CreateDecryptor();
        }

        public IncrementalHash Hmac { get; }

        public Aes Aes { get; }

        public ICryptoTransform EcbDecryptor { get; }
    }
}
