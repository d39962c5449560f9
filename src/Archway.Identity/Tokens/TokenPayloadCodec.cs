using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using MessagePack;

namespace Archway.Identity.Tokens;

/// <summary>
/// Keystone's token payload, byte for byte (keystone/token/token_formatters.py, msgpack-python 1.x
/// <c>packb</c> defaults): an array <c>[version, user*, methods, (scope), expires_at f64, [audit bin…]]</c>,
/// where <c>*</c> is <c>[true, bin16]</c> for an id that parses as a UUID and <c>[false, str]</c> otherwise.
/// </summary>
/// <remarks>
/// Decoding accepts msgpack bin or str wherever Keystone expects bytes, because tokens written with
/// msgpack older than 1.0 carry bytes as str (Keystone retries with <c>raw=True</c>). Text must be valid
/// UTF-8. Elements after the ones a version defines are skipped, as Keystone ignores them; bytes after
/// the array are rejected, as <c>unpackb</c> does.
/// </remarks>
internal static class TokenPayloadCodec
{
    public const int UnscopedVersion = 0;
    public const int DomainScopedVersion = 1;
    public const int ProjectScopedVersion = 2;
    public const int SystemScopedVersion = 8;

    private const int UuidLength = 16;

    // datetime.utcfromtimestamp accepts years 1..9999, like DateTimeOffset.
    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>The payload version Keystone would choose (project, then domain, then system, else unscoped).</summary>
    public static int GetVersion(TokenPayload payload)
    {
        var scopes = (payload.ProjectId is null ? 0 : 1) + (payload.DomainId is null ? 0 : 1) + (payload.System is null ? 0 : 1);
        if (scopes > 1)
        {
            throw new ArgumentException("A token has at most one scope: project, domain or system.", nameof(payload));
        }

        return payload.ProjectId is not null ? ProjectScopedVersion
            : payload.DomainId is not null ? DomainScopedVersion
            : payload.System is not null ? SystemScopedVersion
            : UnscopedVersion;
    }

    /// <summary>Writes the msgpack payload exactly as Keystone's <c>create_token</c> would.</summary>
    /// <exception cref="ArgumentException">
    /// More than one scope; a domain id that is neither a UUID nor <paramref name="defaultDomainId"/>
    /// (Keystone refuses it too); an audit id that is not base64url.
    /// </exception>
    public static void Write(IBufferWriter<byte> output, TokenPayload payload, string defaultDomainId)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(payload.UserId, nameof(payload));
        ArgumentNullException.ThrowIfNull(payload.AuditIds, nameof(payload));
        var version = GetVersion(payload);

        // MessagePackWriter may not take stackalloc'd spans (it is a ref struct that could keep them).
        var scratch = new byte[64];
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(version == UnscopedVersion ? 5 : 6);
        writer.Write(version);
        WriteMaybeUuid(ref writer, payload.UserId, scratch);
        writer.Write(payload.MethodsMask);
        switch (version)
        {
            case DomainScopedVersion:
                WriteDomainId(ref writer, payload.DomainId!, defaultDomainId, scratch);
                break;
            case ProjectScopedVersion:
                WriteMaybeUuid(ref writer, payload.ProjectId!, scratch);
                break;
            case SystemScopedVersion:
                writer.Write(payload.System);
                break;
        }

        writer.Write(ToUnixSecondsDouble(payload.ExpiresAt));
        writer.WriteArrayHeader(payload.AuditIds.Count);
        foreach (var auditId in payload.AuditIds)
        {
            ArgumentNullException.ThrowIfNull(auditId, nameof(payload));
            if (Base64Url.DecodeFromChars(auditId, scratch, out var consumed, out var written) != OperationStatus.Done
                || consumed != auditId.Length)
            {
                throw new ArgumentException($"Audit id '{auditId}' is not base64url of at most 64 bytes.", nameof(payload));
            }

            writer.Write(scratch.AsSpan(0, written));
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads a payload of version 0, 1, 2 or 8. False for any other version and for anything Keystone
    /// could not decode; never throws.
    /// </summary>
    public static bool TryRead(
        ReadOnlyMemory<byte> plaintext,
        string defaultDomainId,
        DateTimeOffset issuedAt,
        [NotNullWhen(true)] out TokenPayload? payload)
    {
        payload = null;
        try
        {
            return TryReadCore(plaintext, defaultDomainId, issuedAt, out payload);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            // Truncated or malformed msgpack. Only a key holder can get here (the MAC was good).
            return false;
        }
    }

    /// <summary>
    /// Python's <c>uuid.UUID(value)</c> as Keystone uses it: 32 hex digits, optionally with hyphens,
    /// surrounding braces and <c>urn:</c>/<c>uuid:</c> prefixes. (What Python's <c>int(x, 16)</c> also
    /// tolerates, such as a '+' sign, '0x' or underscores, is not mirrored.)
    /// </summary>
    public static bool TryParseUuid(string value, Span<byte> bytes)
    {
        if (value.Length != 32)
        {
            if (value.Length < 32)
            {
                return false;
            }

            value = value.Replace("urn:", string.Empty, StringComparison.Ordinal)
                .Replace("uuid:", string.Empty, StringComparison.Ordinal)
                .Trim('{', '}')
                .Replace("-", string.Empty, StringComparison.Ordinal);
            if (value.Length != 32)
            {
                return false;
            }
        }

        return Convert.FromHexString(value, bytes[..UuidLength], out _, out var written) == OperationStatus.Done
            && written == UuidLength;
    }

    /// <summary>Keystone's <c>expires_at</c> float: seconds since the epoch, microsecond precision.</summary>
    public static double ToUnixSecondsDouble(DateTimeOffset value)
    {
        // timedelta.total_seconds(): integer microseconds / 10**6, correctly rounded; the same in double here.
        var microseconds = Math.DivRem(value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerMicrosecond, out var rest);
        if (rest < 0)
        {
            microseconds--;
        }

        return microseconds / 1e6;
    }

    private static bool TryReadCore(ReadOnlyMemory<byte> plaintext, string defaultDomainId, DateTimeOffset issuedAt, [NotNullWhen(true)] out TokenPayload? payload)
    {
        payload = null;
        var reader = new MessagePackReader(plaintext);
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var count = reader.ReadArrayHeader();
        if (count < 1 || !TryReadNonNegative(ref reader, out var version))
        {
            return false;
        }

        int defined;
        switch (version)
        {
            case UnscopedVersion:
                defined = 5;
                break;
            case DomainScopedVersion or ProjectScopedVersion or SystemScopedVersion:
                defined = 6;
                break;
            default:
                // 3-7, 9, 10 (trust, federation, OAuth 1.0a, application credential, OAuth 2.0 mTLS) are not
                // supported yet; 11 and up are not Keystone's.
                return false;
        }

        if (count < defined
            || !TryReadMaybeUuid(ref reader, out var userId)
            || userId is null
            || !TryReadNonNegative(ref reader, out var methods))
        {
            return false;
        }

        string? projectId = null, domainId = null, system = null;
        var scoped = version switch
        {
            DomainScopedVersion => TryReadDomainId(ref reader, defaultDomainId, out domainId),
            ProjectScopedVersion => TryReadMaybeUuid(ref reader, out projectId) && projectId is not null,
            SystemScopedVersion => TryReadText(ref reader, out system),
            _ => true,
        };
        if (!scoped)
        {
            return false;
        }

        if (!TryReadExpiry(ref reader, out var expiresAt) || !TryReadAuditIds(ref reader, out var auditIds))
        {
            return false;
        }

        for (var i = defined; i < count; i++)
        {
            reader.Skip();
        }

        if (!reader.End)
        {
            return false;
        }

        payload = new TokenPayload(userId, methods, expiresAt, auditIds, projectId, domainId, system)
        {
            IssuedAt = issuedAt,
        };
        return true;
    }

    private static void WriteMaybeUuid(ref MessagePackWriter writer, string id, byte[] scratch)
    {
        writer.WriteArrayHeader(2);
        var uuid = scratch.AsSpan(0, UuidLength);
        if (TryParseUuid(id, uuid))
        {
            writer.Write(true);
            writer.Write(uuid);
        }
        else
        {
            writer.Write(false);
            writer.Write(id);
        }
    }

    private static void WriteDomainId(ref MessagePackWriter writer, string domainId, string defaultDomainId, byte[] scratch)
    {
        var uuid = scratch.AsSpan(0, UuidLength);
        if (TryParseUuid(domainId, uuid))
        {
            writer.Write(uuid);
        }
        else if (string.Equals(domainId, defaultDomainId, StringComparison.Ordinal))
        {
            writer.Write(domainId);
        }
        else
        {
            throw new ArgumentException(
                $"Domain id '{domainId}' is neither a UUID nor the default domain id; Keystone cannot put it in a token.",
                nameof(domainId));
        }
    }

    private static bool TryReadNonNegative(ref MessagePackReader reader, out long value)
    {
        value = 0;
        if (reader.NextMessagePackType != MessagePackType.Integer)
        {
            return false;
        }

        if (reader.NextCode == MessagePackCode.UInt64)
        {
            var unsigned = reader.ReadUInt64();
            value = (long)unsigned;
            return unsigned <= long.MaxValue;
        }

        value = reader.ReadInt64();
        return value >= 0;
    }

    /// <summary>
    /// bin or str, as raw bytes (msgpack below 1.0 wrote bytes as str). Read by hand: MessagePackReader's
    /// ReadBytes refuses str8 and throws ArgumentOutOfRangeException on a truncated length.
    /// </summary>
    private static bool TryReadRaw(ref MessagePackReader reader, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        var rest = reader.Sequence.Slice(reader.Position);
        if (!rest.IsSingleSegment || rest.IsEmpty)
        {
            return false;
        }

        var span = rest.FirstSpan;
        int header;
        long length;
        switch (span[0])
        {
            case >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr:
                header = 1;
                length = span[0] & 0x1f;
                break;
            case MessagePackCode.Str8 or MessagePackCode.Bin8 when span.Length >= 2:
                header = 2;
                length = span[1];
                break;
            case MessagePackCode.Str16 or MessagePackCode.Bin16 when span.Length >= 3:
                header = 3;
                length = BinaryPrimitives.ReadUInt16BigEndian(span[1..]);
                break;
            case MessagePackCode.Str32 or MessagePackCode.Bin32 when span.Length >= 5:
                header = 5;
                length = BinaryPrimitives.ReadUInt32BigEndian(span[1..]);
                break;
            default:
                return false;
        }

        if (span.Length - header < length)
        {
            return false;
        }

        bytes = span.Slice(header, (int)length);
        reader.ReadRaw(header + length);
        return true;
    }

    private static bool TryReadText(ref MessagePackReader reader, out string? text)
    {
        text = null;
        if (!TryReadRaw(ref reader, out var bytes) || !Utf8.IsValid(bytes))
        {
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>A <c>[is_bytes, value]</c> pair; a null id is <c>[false, nil]</c>.</summary>
    private static bool TryReadMaybeUuid(ref MessagePackReader reader, out string? id)
    {
        id = null;
        if (reader.NextMessagePackType != MessagePackType.Array
            || reader.ReadArrayHeader() != 2
            || reader.NextMessagePackType != MessagePackType.Boolean)
        {
            return false;
        }

        if (reader.ReadBoolean())
        {
            if (!TryReadRaw(ref reader, out var uuid) || uuid.Length != UuidLength)
            {
                return false;
            }

            id = Convert.ToHexStringLower(uuid);
            return true;
        }

        return reader.TryReadNil() || TryReadText(ref reader, out id);
    }

    /// <summary>
    /// Version 1's domain: raw UUID bytes, or the default domain id as text. Keystone turns 16 bin bytes
    /// into a UUID; a str equal to the default domain id is that id, and any other 16-byte str is an old
    /// (msgpack below 1.0) token's UUID bytes.
    /// </summary>
    private static bool TryReadDomainId(ref MessagePackReader reader, string defaultDomainId, out string? domainId)
    {
        domainId = null;
        var isBinary = reader.NextMessagePackType == MessagePackType.Binary;
        if (!TryReadRaw(ref reader, out var bytes))
        {
            return false;
        }

        if (bytes.Length == UuidLength && isBinary)
        {
            domainId = Convert.ToHexStringLower(bytes);
            return true;
        }

        if (MatchesUtf8(bytes, defaultDomainId))
        {
            domainId = defaultDomainId;
            return true;
        }

        if (bytes.Length == UuidLength)
        {
            domainId = Convert.ToHexStringLower(bytes);
            return true;
        }

        return false;
    }

    private static bool MatchesUtf8(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != Encoding.UTF8.GetByteCount(text))
        {
            return false;
        }

        var encoded = bytes.Length <= 256 ? stackalloc byte[bytes.Length] : new byte[bytes.Length];
        Encoding.UTF8.GetBytes(text, encoded);
        return bytes.SequenceEqual(encoded);
    }

    private static bool TryReadExpiry(ref MessagePackReader reader, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        var type = reader.NextMessagePackType;
        if (type is not (MessagePackType.Float or MessagePackType.Integer))
        {
            return false;
        }

        // datetime.utcfromtimestamp: round the fraction to microseconds (half to even), carrying into
        // the seconds; then Keystone's isotime drops the microseconds.
        var value = reader.ReadDouble();
        if (!double.IsFinite(value))
        {
            return false;
        }

        var seconds = Math.Truncate(value);
        var microseconds = Math.Round((value - seconds) * 1e6, MidpointRounding.ToEven);
        if (microseconds >= 1e6)
        {
            seconds += 1;
        }
        else if (microseconds < 0)
        {
            seconds -= 1;
        }

        if (seconds < MinUnixSeconds || seconds > MaxUnixSeconds)
        {
            return false;
        }

        expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return true;
    }

    private static bool TryReadAuditIds(ref MessagePackReader reader, out string[] auditIds)
    {
        auditIds = [];
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        var count = reader.ReadArrayHeader(); // throws if more elements are claimed than bytes remain
        var ids = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadRaw(ref reader, out var bytes))
            {
                return false;
            }

            ids[i] = Base64Url.EncodeToString(bytes);
        }

        auditIds = ids;
        return true;
    }
}
