using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Archway.Identity.Tokens;

/// <summary>
/// Keystone's Fernet <c>TokenFormatter</c>: creates and decodes tokens byte-compatible with Python Keystone
/// sharing the same key repository, <c>[auth] methods</c> order and default domain id.
/// </summary>
/// <remarks>
/// Thread-safe. The key set is an immutable snapshot swapped by <see cref="ReloadKeys"/>; decoding
/// rents one pooled buffer and allocates only the result.
/// </remarks>
internal sealed class FernetTokenFormatter
{
    /// <summary>Longer input is not a token; real ones are 150-300 characters and HTTP headers are capped well below this.</summary>
    public const int MaxTokenLength = 64 * 1024;

    private const int IvLength = FernetEnvelope.IvLength;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payloadWriter;

    private readonly FernetKeyRepository _repository;
    private readonly TimeProvider _time;
    private readonly string _defaultDomainId;
    private FernetKey[] _keys;

    public FernetTokenFormatter(FernetKeyRepository keys, AuthMethods methods, TimeProvider time, string defaultDomainId = "default")
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrEmpty(defaultDomainId);
        _repository = keys;
        Methods = methods;
        _time = time;
        _defaultDomainId = defaultDomainId;
        _keys = Load(keys, []);
    }

    /// <summary>The <c>[auth] methods</c> order that gives <see cref="TokenPayload.MethodsMask"/> its meaning.</summary>
    public AuthMethods Methods { get; }

    /// <summary>The current keys, primary first (for tools and tests).</summary>
    internal FernetKey[] Keys => Volatile.Read(ref _keys);

    /// <summary>
    /// A token for <paramref name="payload"/>, encrypted with the primary key and stamped with the current
    /// time (<see cref="TokenPayload.IssuedAt"/> is ignored).
    /// </summary>
    /// <exception cref="InvalidOperationException">The repository has no keys.</exception>
    /// <exception cref="ArgumentException">The payload cannot be put in a Keystone token (see <see cref="TokenPayloadCodec.Write"/>).</exception>
    public string Create(TokenPayload payload)
    {
        var keys = Volatile.Read(ref _keys);
        if (keys.Length == 0)
        {
            throw new InvalidOperationException(
                $"No Fernet keys in {_repository.Directory}; set the repository up first (keystone-manage fernet_setup).");
        }

        var writer = t_payloadWriter ??= new ArrayBufferWriter<byte>(256);
        writer.ResetWrittenCount();
        TokenPayloadCodec.Write(writer, payload, _defaultDomainId);

        Span<byte> iv = stackalloc byte[IvLength];
        RandomNumberGenerator.Fill(iv);
        return FernetEnvelope.SealToString(keys[0], writer.WrittenSpan, _time.GetUtcNow().ToUnixTimeSeconds(), iv);
    }

    /// <summary>The msgpack payload <see cref="Create"/> would encrypt (for comparison with Keystone's).</summary>
    internal byte[] EncodePayload(TokenPayload payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        TokenPayloadCodec.Write(writer, payload, _defaultDomainId);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes a token made by any current key. No TTL: expiry is in the payload and is the caller's to check.
    /// False, never an exception, for anything malformed, tampered with, made with another key, or of a
    /// payload version not supported here (only 0, 1, 2 and 8 are).
    /// </summary>
    public bool TryDecode(ReadOnlySpan<char> token, [NotNullWhen(true)] out TokenPayload? payload)
    {
        payload = null;
        var keys = Volatile.Read(ref _keys);
        if (token.Length < 4 || token.Length > MaxTokenLength || keys.Length == 0)
        {
            return false;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(FernetEnvelope.GetScratchLength(token.Length));
        try
        {
            if (!FernetEnvelope.TryOpen(token, keys, scratch, out var offset, out var length, out var timestamp)
                || timestamp > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return false;
            }

            var issuedAt = DateTimeOffset.FromUnixTimeSeconds((long)timestamp);
            return TokenPayloadCodec.TryRead(scratch.AsMemory(offset, length), _defaultDomainId, issuedAt, out payload);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Re-reads the repository (after a rotation or a sync from another node).</summary>
    /// <exception cref="InvalidDataException">A key file is corrupt; the old keys stay in use.</exception>
    public void ReloadKeys() => Volatile.Write(ref _keys, Load(_repository, Volatile.Read(ref _keys)));

    private static FernetKey[] Load(FernetKeyRepository repository, FernetKey[] previous)
    {
        var raw = repository.LoadKeys();
        var keys = new FernetKey[raw.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            // Keys survive several rotations; keep their warm per-thread contexts.
            keys[i] = Array.Find(previous, key => key.Matches(raw[i])) ?? new FernetKey(raw[i]);
            CryptographicOperations.ZeroMemory(raw[i]);
        }

        return keys;
    }
}
