using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Archway.Identity.Config;
using Archway.Identity.Tokens;
using Microsoft.Extensions.Logging;

namespace Archway.Identity.Credentials;

/// <summary>
/// Keystone's Fernet credential provider (keystone/credential/providers/fernet/core.py): a blob is stored as a Fernet
/// token (padded base64url, as cryptography's Fernet writes it) made with the primary key of the [credential] key
/// repository, and read back with whichever key opens it. Like Keystone, the keys are read from disk for every
/// request, so `archway credential rotate` (or a sync from another node) needs no restart; with no key at all, a key
/// of 32 zero bytes (Keystone's NULL_KEY) encrypts, and it is always tried last.
/// </summary>
internal sealed partial class CredentialCipher(KeystoneOptions options, TimeProvider time, ILogger<CredentialCipher> logger)
{
    private static readonly byte[] NullKey = new byte[FernetKey.Length];

    private readonly FernetKeyRepository _repository = new(options.CredentialKeyRepository, options.CredentialMaxActiveKeys);

    // Keys seen before, kept for their warm crypto contexts; a key is used only while the repository still holds it.
    private FernetKey[] _seen = [];

    /// <summary>The repository's keys as of now: primary first, then the secondaries, the staged key, the null key.</summary>
    /// <exception cref="InvalidDataException">A key file is corrupt.</exception>
    public CredentialKeys LoadKeys()
    {
        var raw = _repository.LoadKeys();
        var material = new List<byte[]>(raw) { NullKey };
        var seen = Volatile.Read(ref _seen);
        var keys = new FernetKey[material.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Array.Find(seen, key => key.Matches(material[i])) ?? new FernetKey(material[i]);
        }
        var primaryHash = KeyHash(material[0]);
        var usesNullKey = raw.Count == 0;
        foreach (var key in raw)
        {
            CryptographicOperations.ZeroMemory(key);
        }
        Volatile.Write(ref _seen, keys);
        return new CredentialKeys(keys, primaryHash, usesNullKey, this);
    }

    /// <summary>
    /// Keystone's key_hash: SHA-1 (hex) of the primary key's text as Fernet.generate_key writes it (url-safe base64,
    /// padded), which is what keystone-manage credential_migrate and credential_rotate compare.
    /// </summary>
    private static string KeyHash(byte[] key)
    {
        var text = Convert.ToBase64String(key).Replace('+', '-').Replace('/', '_');
#pragma warning disable CA5350 // SHA-1 names the key here, as Keystone's primary_key_hash does; it protects nothing.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5350
    }

    internal string Encrypt(FernetKey primary, bool usesNullKey, string plaintext)
    {
        if (usesNullKey)
        {
            Log.EncryptingWithNullKey(logger, _repository.Directory);
        }
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        Span<byte> iv = stackalloc byte[FernetEnvelope.IvLength];
        RandomNumberGenerator.Fill(iv);
        var buffer = ArrayPool<byte>.Shared.Rent(FernetEnvelope.GetSealedLength(bytes.Length));
        try
        {
            var written = FernetEnvelope.Seal(primary, bytes, time.GetUtcNow().ToUnixTimeSeconds(), iv, buffer);
            return Convert.ToBase64String(buffer, 0, written).Replace('+', '-').Replace('/', '_');
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Encrypting credentials with the null key: {Repository} has no keys; run `archway credential setup`")]
        public static partial void EncryptingWithNullKey(ILogger logger, string repository);
    }
}

/// <summary>One request's view of the credential key repository.</summary>
internal sealed class CredentialKeys(FernetKey[] keys, string primaryKeyHash, bool usesNullKey, CredentialCipher cipher)
{
    /// <summary>What Keystone stores beside each blob: the SHA-1 of the key that encrypted it.</summary>
    public string PrimaryKeyHash { get; } = primaryKeyHash;

    public string Encrypt(string plaintext) => cipher.Encrypt(keys[0], usesNullKey, plaintext);

    /// <summary>The plaintext of a stored blob.</summary>
    /// <exception cref="CryptographicException">No key opens it (Keystone's CredentialEncryptionError, a 500).</exception>
    public string Decrypt(string encryptedBlob)
    {
        var plaintext = FernetEnvelope.Open(encryptedBlob.AsSpan().Trim(), keys, out _)
            ?? throw new CryptographicException("Credential could not be decrypted: no key in the credential key repository opens it.");
        return Encoding.UTF8.GetString(plaintext);
    }
}
