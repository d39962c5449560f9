using System.Buffers;
using Archway.Identity.Tokens;
using MessagePack;

namespace Archway.Identity.Tests.Tokens;

public sealed class TokenPayloadCodecTests
{
    private const string A32 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B32 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string ZeroAudit = "AAAAAAAAAAAAAAAAAAAAAA";
    private const string Default = "default";

    private static readonly DateTimeOffset IssuedAt = TokenTestData.Now;

    /// <summary>
    /// Plaintexts recorded from Keystone 22.0.2 (Debian bookworm) <c>TokenFormatter.create_token</c> then
    /// <c>unpack</c>, expires_at 2030-01-01T00:00:00Z (…00.5Z for the domain case), audit id of 16 zero bytes.
    /// KeystoneInteropTests checks the same live against whatever Keystone is installed.
    /// </summary>
    [Theory]
    [InlineData("project", A32, 2L, 0.0, B32, null, null,
        "960292c3c410aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0292c3c410bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbcb41dc36f62000000091c41000000000000000000000000000000000")]
    [InlineData("unscoped, ec2credential pseudo-method as uint64", A32, (1L << 32) | 2, 0.0, null, null, null,
        "950092c3c410aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaacf0000000100000002cb41dc36f62000000091c41000000000000000000000000000000000")]
    [InlineData("default domain as plain str, half-second expiry", A32, 2L, 0.5, null, Default, null,
        "960192c3c410aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02a764656661756c74cb41dc36f62020000091c41000000000000000000000000000000000")]
    [InlineData("system, non-UUID non-ASCII user", "cn=J\u00f6hn", (1L << 32) | 2, 0.0, null, null, "all",
        "960892c2a8636e3d4ac3b6686ecf0000000100000002a3616c6ccb41dc36f62000000091c41000000000000000000000000000000000")]
    public void Encoding_matches_Keystones_bytes(
        string description, string userId, long methods, double extraSeconds, string? projectId, string? domainId, string? system, string expectedHex)
    {
        var payload = new TokenPayload(userId, methods, TokenTestData.Expires.AddSeconds(extraSeconds), [ZeroAudit], projectId, domainId, system);

        var writer = new ArrayBufferWriter<byte>();
        TokenPayloadCodec.Write(writer, payload, Default);

        Assert.True(expectedHex == Convert.ToHexStringLower(writer.WrittenSpan), description);
    }

    [Theory]
    [InlineData("01234567-89ab-cdef-0123-456789abcdef")]
    [InlineData("{0123456789ABCDEF0123456789ABCDEF}")]
    [InlineData("urn:uuid:01234567-89ab-cdef-0123-456789abcdef")]
    public void Python_uuid_forms_are_packed_as_bytes_and_come_back_as_lower_hex(string id)
    {
        var bytes = Encode(new TokenPayload(id, 2, TokenTestData.Expires, [ZeroAudit], ProjectId: id));

        Assert.True(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload));
        Assert.Equal("0123456789abcdef0123456789abcdef", payload.UserId);
        Assert.Equal("0123456789abcdef0123456789abcdef", payload.ProjectId);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcde")]   // 31 digits
    [InlineData("0123456789abcdef0123456789abcdeg")]  // not hex
    [InlineData("admin")]
    [InlineData("")]
    public void Non_uuid_ids_are_packed_as_str(string id)
    {
        var bytes = Encode(new TokenPayload(id, 2, TokenTestData.Expires, [ZeroAudit], ProjectId: id));

        Assert.True(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload));
        Assert.Equal(id, payload.UserId);
        Assert.Equal(id, payload.ProjectId);
        Assert.Equal(0xc2, bytes[3]); // [false, …]
    }

    [Fact]
    public void Domain_that_is_neither_uuid_nor_default_is_refused_like_Keystone()
    {
        var payload = new TokenPayload(A32, 2, TokenTestData.Expires, [ZeroAudit], DomainId: "other");

        Assert.Throws<ArgumentException>(() => Encode(payload));
    }

    [Fact]
    public void Two_scopes_are_refused()
    {
        var payload = new TokenPayload(A32, 2, TokenTestData.Expires, [ZeroAudit], ProjectId: B32, DomainId: Default);

        Assert.Throws<ArgumentException>(() => Encode(payload));
    }

    [Fact]
    public void Str_where_bytes_are_expected_is_read_as_bytes_like_msgpack_before_1_0()
    {
        // Keystone tokens written with msgpack < 1.0 carry UUID and audit bytes as str.
        var uuid = Convert.FromHexString(A32);
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(2);
            w.WriteArrayHeader(2);
            w.Write(true);
            w.WriteString(uuid);
            w.Write(2);
            w.WriteArrayHeader(2);
            w.Write(false);
            w.WriteString("admin"u8);
            w.Write(1893456000.0);
            w.WriteArrayHeader(2);
            w.WriteString(new byte[16]);
            w.WriteString(uuid);
        });

        Assert.True(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload));
        Assert.Equal(A32, payload.UserId);
        Assert.Equal("admin", payload.ProjectId);
        Assert.Equal([ZeroAudit, "qqqqqqqqqqqqqqqqqqqqqg"], payload.AuditIds);
        Assert.Equal(IssuedAt, payload.IssuedAt);
    }

    [Fact]
    public void Domain_reads_bin16_as_uuid_str_as_default_and_old_str16_as_uuid()
    {
        var uuid = Convert.FromHexString(B32);

        Assert.Equal(B32, ReadDomain((ref MessagePackWriter w) => w.Write(uuid)));
        Assert.Equal(Default, ReadDomain((ref MessagePackWriter w) => w.Write(Default)));
        Assert.Equal(Default, ReadDomain((ref MessagePackWriter w) => w.Write("default"u8))); // bin, msgpack raw
        Assert.Equal(B32, ReadDomain((ref MessagePackWriter w) => w.WriteString(uuid)));
        Assert.Null(ReadDomain((ref MessagePackWriter w) => w.Write("other")));
        Assert.Null(ReadDomain((ref MessagePackWriter w) => w.Write(new byte[15])));
    }

    [Fact]
    public void Bin_where_text_is_expected_is_decoded_as_utf8()
    {
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(8);
            WriteId(ref w, "cn=J\u00f6hn"u8, asBinary: true);
            w.Write(2);
            w.Write("all"u8);
            w.Write(1893456000.0);
            w.WriteArrayHeader(1);
            w.Write(new byte[16]);
        });

        Assert.True(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload));
        Assert.Equal("cn=J\u00f6hn", payload.UserId);
        Assert.Equal("all", payload.System);
    }

    [Fact]
    public void Invalid_utf8_text_is_rejected()
    {
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(0);
            WriteId(ref w, [0x61, 0xff, 0x62], asBinary: false);
            w.Write(2);
            w.Write(1893456000.0);
            w.WriteArrayHeader(1);
            w.Write(new byte[16]);
        });

        Assert.False(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out _));
    }

    [Theory]
    [InlineData(1893456000.0, 0)]
    [InlineData(1893456000.5, 0)]
    [InlineData(1893456000.9999994, 0)]  // rounds to .999999
    [InlineData(1893456000.9999996, 1)]  // rounds up to the next second, as utcfromtimestamp does
    public void Expiry_is_whole_seconds_as_Keystone_renders_it(double value, int extraSeconds)
    {
        Assert.Equal(TokenTestData.Expires.AddSeconds(extraSeconds), ReadExpiry((ref MessagePackWriter w) => w.Write(value)));
    }

    [Fact]
    public void Expiry_may_be_an_integer_but_not_nan_infinite_or_out_of_range()
    {
        Assert.Equal(TokenTestData.Expires, ReadExpiry((ref MessagePackWriter w) => w.Write(1893456000)));
        Assert.Null(ReadExpiry((ref MessagePackWriter w) => w.Write(double.NaN)));
        Assert.Null(ReadExpiry((ref MessagePackWriter w) => w.Write(double.PositiveInfinity)));
        Assert.Null(ReadExpiry((ref MessagePackWriter w) => w.Write(1e300)));
        Assert.Null(ReadExpiry((ref MessagePackWriter w) => w.Write(-1e300)));
        Assert.Null(ReadExpiry((ref MessagePackWriter w) => w.Write("2030-01-01")));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(127)]
    public void Unsupported_versions_are_rejected(int version)
    {
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(8);
            w.Write(version);
            WriteId(ref w, "u"u8, asBinary: false);
            w.Write(2);
            WriteId(ref w, "p"u8, asBinary: false);
            WriteId(ref w, "q"u8, asBinary: false);
            w.Write(1893456000.0);
            w.WriteArrayHeader(1);
            w.Write(new byte[16]);
        });

        Assert.False(TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out _));
    }

    [Fact]
    public void Extra_elements_are_ignored_like_Keystone_but_trailing_bytes_are_not()
    {
        var valid = Encode(new TokenPayload(A32, 2, TokenTestData.Expires, [ZeroAudit]));
        var withExtra = (byte[])valid.Clone();
        withExtra[0] = 0x96; // six elements instead of five…
        withExtra = [.. withExtra, 0xc0]; // …the sixth is nil

        Assert.True(TokenPayloadCodec.TryRead(withExtra, Default, IssuedAt, out _));
        Assert.False(TokenPayloadCodec.TryRead((byte[])[.. valid, 0xc0], Default, IssuedAt, out _));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("c0", "nil")]
    [InlineData("80", "a map")]
    [InlineData("90", "an empty array")]
    [InlineData("91ff", "negative version")]
    [InlineData("91a130", "str version")]
    [InlineData("dd7fffffff00", "array claiming 2^31-1 elements")]
    [InlineData("9500", "array shorter than claimed")]
    [InlineData("950092c3c40f0000000000000000000000000000000290", "15-byte uuid")]
    [InlineData("950093c2a17500", "3-element id pair")]
    [InlineData("950092c2c0", "nil user id")]
    [InlineData("950092c2a175cfffffffffffffffffcb41dc36f62000000090", "methods above long.MaxValue")]
    [InlineData("950092c2a175d0fecb41dc36f62000000090", "negative methods")]
    [InlineData("950092c2a17502cb41dc36f62000000091c0", "nil audit id")]
    [InlineData("950092c2a17502cb41dc36f620000000dd7fffffff", "audit array claiming 2^31-1 elements")]
    [InlineData("c1", "reserved code")]
    public void Malformed_payloads_are_rejected_without_throwing(string hex, string description)
    {
        Assert.True(!TokenPayloadCodec.TryRead(Convert.FromHexString(hex), Default, IssuedAt, out _), description);
    }

    [Fact]
    public void A_valid_unscoped_payload_with_empty_audit_list_is_read()
    {
        // Sanity for the malformed cases above: the same prefix, well formed, is accepted.
        Assert.True(TokenPayloadCodec.TryRead(Convert.FromHexString("950092c2a17502cb41dc36f62000000090"), Default, IssuedAt, out var payload));
        Assert.Equal("u", payload.UserId);
        Assert.Empty(payload.AuditIds);
    }

    private static byte[] Encode(TokenPayload payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        TokenPayloadCodec.Write(writer, payload, Default);
        return writer.WrittenSpan.ToArray();
    }

    private static void WriteId(ref MessagePackWriter writer, ReadOnlySpan<byte> utf8, bool asBinary)
    {
        writer.WriteArrayHeader(2);
        writer.Write(false);
        if (asBinary)
        {
            writer.Write(utf8);
        }
        else
        {
            writer.WriteString(utf8);
        }
    }

    private static string? ReadDomain(MsgpackBuild domain)
    {
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(1);
            WriteId(ref w, "u"u8, asBinary: false);
            w.Write(2);
            domain(ref w);
            w.Write(1893456000.0);
            w.WriteArrayHeader(1);
            w.Write(new byte[16]);
        });
        return TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload) ? payload.DomainId : null;
    }

    private static DateTimeOffset? ReadExpiry(MsgpackBuild expiry)
    {
        var bytes = TokenTestData.Pack((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(0);
            WriteId(ref w, "u"u8, asBinary: false);
            w.Write(2);
            expiry(ref w);
            w.WriteArrayHeader(1);
            w.Write(new byte[16]);
        });
        return TokenPayloadCodec.TryRead(bytes, Default, IssuedAt, out var payload) ? payload.ExpiresAt : null;
    }
}
