using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using Archway.Identity.Tokens;
using MessagePack;

namespace Archway.Identity.Tests.Tokens;

/// <summary>Writes msgpack from a lambda (MessagePackWriter is a ref struct).</summary>
internal delegate void MsgpackBuild(ref MessagePackWriter writer);

internal static class TokenTestData
{
    public const string UserId = "0123456789abcdef0123456789abcdef";
    public const string ProjectId = "fedcba9876543210fedcba9876543210";
    public const string DomainId = "00112233445566778899aabbccddeeff";

    public static readonly DateTimeOffset Expires = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Keystone's audit id: 22-char base64url of 16 random bytes.</summary>
    public static string NewAuditId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static TokenPayload ProjectPayload() => new(UserId, 2, Expires, [NewAuditId()], ProjectId: ProjectId);

    /// <summary>A token formatter over a freshly set-up repository in <paramref name="directory"/>.</summary>
    public static FernetTokenFormatter NewFormatter(string directory, TimeProvider? time = null, int maxActiveKeys = 3)
    {
        var repository = new FernetKeyRepository(directory, maxActiveKeys);
        repository.Setup();
        return new FernetTokenFormatter(repository, AuthMethods.Default, time ?? TimeProvider.System);
    }

    public static void AssertSamePayload(TokenPayload expected, TokenPayload actual)
    {
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.MethodsMask, actual.MethodsMask);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.AuditIds, actual.AuditIds);
        Assert.Equal(expected.ProjectId, actual.ProjectId);
        Assert.Equal(expected.DomainId, actual.DomainId);
        Assert.Equal(expected.System, actual.System);
    }

    public static byte[] Pack(MsgpackBuild build)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        build(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
