using System.Buffers.Text;
using System.Text;
using Archway.Identity.Tokens;

namespace Archway.Identity.Tests.Tokens;

/// <summary>
/// The Fernet spec's own vectors: github.com/fernet/spec at 20dead475f53f11d20592baf29ad697163afc0cd,
/// generate.json, verify.json and invalid.json (copied verbatim below).
/// </summary>
public sealed class FernetEnvelopeTests
{
    private const string Secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    private const string SpecToken =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";

    // "now": "1985-10-26T01:20:00-07:00"
    private static readonly long SpecTime = new DateTimeOffset(1985, 10, 26, 1, 20, 0, TimeSpan.FromHours(-7)).ToUnixTimeSeconds();

    private static FernetKey[] Keys => [new FernetKey(Base64Url.DecodeFromChars(Secret))];

    [Fact]
    public void Generate_vector_gives_the_spec_token_without_padding_as_Keystone_packs_it()
    {
        byte[] iv = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

        var token = FernetEnvelope.SealToString(Keys[0], "hello"u8, SpecTime, iv);

        Assert.Equal(SpecToken.TrimEnd('='), token);
    }

    [Theory]
    [InlineData(SpecToken)]
    [InlineData("gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA")]
    public void Verify_vector_opens_with_or_without_padding(string token)
    {
        var plaintext = FernetEnvelope.Open(token, Keys, out var timestamp);

        Assert.NotNull(plaintext);
        Assert.Equal("hello", Encoding.UTF8.GetString(plaintext));
        Assert.Equal((ulong)SpecTime, timestamp);
    }

    [Theory]
    [InlineData("incorrect mac", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==")]
    [InlineData("too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==")]
    [InlineData("invalid base64", "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==")]
    [InlineData("payload size not multiple of block size", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm")]
    [InlineData("payload padding error", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==")]
    [InlineData("incorrect IV (causes padding error)", "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==")]
    public void Invalid_vector_does_not_open(string description, string token)
    {
        Assert.True(FernetEnvelope.Open(token, Keys, out _) is null, description);
    }

    /// <summary>
    /// The spec calls these invalid only under a 60 s TTL. Keystone decrypts with no TTL (expiry lives in
    /// the payload), so they must open.
    /// </summary>
    [Theory]
    [InlineData("far-future TS (unacceptable clock skew)", "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==")]
    [InlineData("expired TTL", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==")]
    public void Ttl_only_invalid_vector_opens_because_Keystone_uses_no_ttl(string description, string token)
    {
        Assert.True(FernetEnvelope.Open(token, Keys, out _) is not null, description);
    }

    [Fact]
    public void Bad_version_byte_does_not_open_even_with_a_valid_mac()
    {
        var bytes = SealedBytes("hello"u8);
        bytes[0] = 0x81;
        ReMac(bytes);

        Assert.Null(FernetEnvelope.Open(Base64Url.EncodeToString(bytes), Keys, out _));
    }

    [Fact]
    public void Bad_padding_does_not_open_even_with_a_valid_mac()
    {
        // 16 bytes of plaintext get a whole block of padding (0x10 x 16). Flipping the low bit of the first
        // ciphertext block's last byte turns the padding's last byte into 0x11 (17, impossible); then re-sign.
        var bytes = SealedBytes("0123456789abcdef"u8);
        bytes[^49] ^= 0x01;
        ReMac(bytes);

        Assert.Null(FernetEnvelope.Open(Base64Url.EncodeToString(bytes), Keys, out _));
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        var bytes = SealedBytes("a payload of some length"u8);
        for (var i = 0; i < bytes.Length * 8; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i / 8] ^= (byte)(1 << (i % 8));
            Assert.Null(FernetEnvelope.Open(Base64Url.EncodeToString(copy), Keys, out _));
        }
    }

    [Fact]
    public void Another_key_does_not_open()
    {
        var token = Base64Url.EncodeToString(SealedBytes("hello"u8));
        FernetKey[] other = [new FernetKey(new byte[32])];

        Assert.Null(FernetEnvelope.Open(token, other, out _));
        Assert.NotNull(FernetEnvelope.Open(token, [other[0], Keys[0]], out _));
    }

    private static byte[] SealedBytes(ReadOnlySpan<byte> plaintext)
    {
        var bytes = new byte[FernetEnvelope.GetSealedLength(plaintext.Length)];
        FernetEnvelope.Seal(Keys[0], plaintext, SpecTime, new byte[16], bytes);
        return bytes;
    }

    private static void ReMac(byte[] bytes) =>
        Keys[0].ComputeMac(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
}
