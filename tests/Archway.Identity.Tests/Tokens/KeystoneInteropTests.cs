using System.Globalization;
using System.Text.Json.Nodes;
using Archway.Identity.Tokens;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Tokens;

/// <summary>
/// Live, both directions, against the Keystone installed for /usr/bin/python3 (keystone_fernet.py):
/// Keystone validates our tokens, we decode Keystone's byte for byte, and the two share key repositories.
/// </summary>
public sealed class KeystoneInteropTests(ITestOutputHelper output) : IDisposable
{
    private const string Audit1 = "AAECAwQFBgcICQoLDA0ODw";   // bytes 00..0f
    private const string Audit2 = "8PHy8_T19vf4-fr7_P3-_w";   // bytes f0..ff: both url-safe characters
    private const string Uuid1 = "0123456789abcdef0123456789abcdef";
    private const string Uuid2 = "fedcba9876543210fedcba9876543210";
    private const string Expiry = "2030-01-01T00:00:00.000000Z";

    private static readonly InteropCase[] Cases =
    [
        new("unscoped", Uuid1, ["password"], Expiry, [Audit1]),
        new("domain, UUID", Uuid1, ["password"], Expiry, [Audit1], DomainId: Uuid2),
        new("domain, default", Uuid1, ["token", "password"], Expiry, [Audit1], DomainId: "default"),
        new("project, rescoped (two audit ids)", Uuid1, ["token"], Expiry, [Audit1, Audit2], ProjectId: Uuid2),
        new("system", Uuid1, ["password"], Expiry, [Audit2], System: "all"),
        new("LDAP user (64-hex public id)", new string('9', 64), ["password"], Expiry, [Audit1], ProjectId: Uuid2),
        new("LDAP DN user, non-ASCII", "cn=J\u00f6hn D\u0153,ou=Users,dc=example,dc=org", ["external"], Expiry, [Audit1]),
        new("non-UUID project", Uuid1, ["password"], Expiry, [Audit1], ProjectId: "admin-project"),
        new("hyphenated and braced UUIDs", "01234567-89ab-cdef-0123-456789abcdef", ["password"], Expiry, [Audit1],
            ProjectId: "{FEDCBA98-7654-3210-FEDC-BA9876543210}", UserIdBack: Uuid1, ProjectIdBack: Uuid2),
        new("ec2credential pseudo-method (uint64 mask)", Uuid1, ["ec2credential"], Expiry, [Audit1], ProjectId: Uuid2),
        new("every method, unconfigured totp dropped", Uuid1,
            ["external", "password", "token", "oauth1", "mapped", "application_credential", "ec2credential", "oauth2_credential", "totp"],
            Expiry, [Audit1], ProjectId: Uuid2),
        new("fractional expiry", Uuid1, ["password"], "2031-06-15T12:34:56.789000Z", [Audit1], ProjectId: Uuid2),
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Keystone_validates_our_tokens()
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        var formatter = TokenTestData.NewFormatter(_temp.Path, new FakeTimeProvider(TokenTestData.Now));
        var ops = new JsonArray();
        foreach (var c in Cases)
        {
            var op = KeystonePython.Op("validate");
            op["token"] = formatter.Create(c.ToPayload(AuthMethods.Default));
            ops.Add(op);
        }

        var results = KeystonePython.Run(_temp.Path, ops);

        for (var i = 0; i < Cases.Length; i++)
        {
            var c = Cases[i];
            var r = results[i]!;
            Assert.True(r["ok"]!.GetValue<bool>(), $"{c.Name}: {r["error"]}");
            Assert.Equal(c.UserIdBack ?? c.UserId, KeystonePython.String(r["user_id"]));
            Assert.Equal(AuthMethods.Default.FromMask(AuthMethods.Default.ToMask(c.Methods)), KeystonePython.Strings(r["methods"]));
            Assert.Equal(c.AuditIds, KeystonePython.Strings(r["audit_ids"]));
            Assert.Equal(c.ProjectIdBack ?? c.ProjectId, KeystonePython.String(r["project_id"]));
            Assert.Equal(c.DomainId, KeystonePython.String(r["domain_id"]));
            Assert.Equal(c.System, KeystonePython.String(r["system"]));
            Assert.Equal("2026-01-02T03:04:05.000000Z", KeystonePython.String(r["issued_at"]));
            Assert.Equal(KeystoneTime(c.ExpiresAtValue), KeystonePython.String(r["expires_at"]));
        }
    }

    [Fact]
    public void We_decode_Keystones_tokens_and_encode_the_same_payload_bytes()
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        var formatter = TokenTestData.NewFormatter(_temp.Path);
        var ops = new JsonArray();
        foreach (var c in Cases)
        {
            ops.Add(c.ToCreateOp());
        }

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var results = KeystonePython.Run(_temp.Path, ops);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        for (var i = 0; i < Cases.Length; i++)
        {
            var c = Cases[i];
            var token = KeystonePython.String(results[i]!["token"])!;
            var keystonePayload = KeystonePython.String(results[i]!["payload"])!;

            Assert.True(formatter.TryDecode(token, out var decoded), c.Name);
            Assert.Equal(c.UserIdBack ?? c.UserId, decoded.UserId);
            Assert.Equal(AuthMethods.Default.ToMask(c.Methods), decoded.MethodsMask);
            Assert.Equal(c.AuditIds, decoded.AuditIds);
            Assert.Equal(c.ProjectIdBack ?? c.ProjectId, decoded.ProjectId);
            Assert.Equal(c.DomainId, decoded.DomainId);
            Assert.Equal(c.System, decoded.System);
            Assert.Equal(KeystoneTime(c.ExpiresAtValue), KeystoneTime(decoded.ExpiresAt));
            Assert.InRange(decoded.IssuedAt, before, after);

            // Byte equality of the msgpack plaintext: ours for the same fields, and what Keystone reports.
            var plaintext = FernetEnvelope.Open(token, formatter.Keys, out _);
            Assert.NotNull(plaintext);
            Assert.Equal(keystonePayload, Convert.ToHexStringLower(plaintext));
            Assert.True(
                keystonePayload == Convert.ToHexStringLower(formatter.EncodePayload(c.ToPayload(AuthMethods.Default))),
                $"{c.Name}: Keystone {keystonePayload} vs ours {Convert.ToHexStringLower(formatter.EncodePayload(c.ToPayload(AuthMethods.Default)))}");
        }
    }

    [Fact]
    public void Custom_auth_methods_order_and_default_domain_agree_with_Keystone()
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        string[] order = ["password", "token", "totp", "external"];
        var methods = new AuthMethods(order);
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var formatter = new FernetTokenFormatter(repository, methods, new FakeTimeProvider(TokenTestData.Now), "my_default");
        var c = new InteropCase("custom", Uuid1, ["totp", "password"], Expiry, [Audit1], DomainId: "my_default");
        var validate = KeystonePython.Op("validate");
        validate["token"] = formatter.Create(c.ToPayload(methods));

        var results = KeystonePython.Run(_temp.Path, [validate, c.ToCreateOp()], defaultDomainId: "my_default", authMethods: order);

        Assert.True(results[0]!["ok"]!.GetValue<bool>(), results[0]!["error"]?.ToString());
        Assert.Equal(["totp", "password"], KeystonePython.Strings(results[0]!["methods"]));
        Assert.Equal("my_default", KeystonePython.String(results[0]!["domain_id"]));
        Assert.True(formatter.TryDecode(KeystonePython.String(results[1]!["token"]), out var decoded));
        Assert.Equal(5, decoded.MethodsMask);
        Assert.Equal("my_default", decoded.DomainId);
        Assert.Equal(KeystonePython.String(results[1]!["payload"]), Convert.ToHexStringLower(formatter.EncodePayload(c.ToPayload(methods))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Setup_and_rotate_leave_the_same_files_as_Keystone(int maxActiveKeys)
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        var keystoneDirectory = _temp.Sub("keystone");
        var ourDirectory = _temp.Sub("ours");
        var ops = new JsonArray { KeystonePython.Op("setup") };
        for (var i = 0; i < 4; i++)
        {
            ops.Add(KeystonePython.Op("rotate"));
        }

        var keystone = KeystonePython.Run(keystoneDirectory, ops, maxActiveKeys);

        var ours = new FernetKeyRepository(ourDirectory, maxActiveKeys);
        for (var step = 0; step < ops.Count; step++)
        {
            if (step == 0)
            {
                ours.Setup();
            }
            else
            {
                ours.Rotate();
            }

            var expected = KeystonePython.Strings(keystone[step]!["files"]);
            var actual = Directory.EnumerateFiles(ourDirectory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, actual);
            foreach (var name in expected)
            {
                Assert.Equal("0600", KeystonePython.String(keystone[step]!["modes"]![name]));
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ourDirectory, name)));
                }
            }
        }
    }

    [Fact]
    public void A_repository_made_and_rotated_by_Keystone_works_both_ways_and_we_can_rotate_it()
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        var directory = _temp.Sub("keystone-made");
        var c = Cases[3];
        var made = KeystonePython.Run(directory, [KeystonePython.Op("setup"), KeystonePython.Op("rotate"), KeystonePython.Op("rotate"), c.ToCreateOp()]);
        Assert.Equal(["0", "2", "3"], KeystonePython.Strings(made[2]!["files"]));

        var repository = new FernetKeyRepository(directory, 3);
        Assert.True(repository.Exists);
        Assert.Equal(3, repository.LoadKeys().Count);
        var formatter = new FernetTokenFormatter(repository, AuthMethods.Default, TimeProvider.System);
        Assert.True(formatter.TryDecode(KeystonePython.String(made[3]!["token"]), out var decoded));
        Assert.Equal(Uuid2, decoded.ProjectId);

        var beforeRotation = formatter.Create(c.ToPayload(AuthMethods.Default));
        repository.Rotate();
        formatter.ReloadKeys();
        var afterRotation = formatter.Create(c.ToPayload(AuthMethods.Default));
        var validate1 = KeystonePython.Op("validate");
        validate1["token"] = beforeRotation;
        var validate2 = KeystonePython.Op("validate");
        validate2["token"] = afterRotation;

        var results = KeystonePython.Run(directory, [validate1, validate2]);

        Assert.True(results[0]!["ok"]!.GetValue<bool>(), results[0]!["error"]?.ToString());
        Assert.True(results[1]!["ok"]!.GetValue<bool>(), results[1]!["error"]?.ToString());
        Assert.Equal(["0", "3", "4"], Directory.EnumerateFiles(directory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Keystone_rejects_what_we_reject()
    {
        if (!KeystonePython.EnsureAvailable(output))
        {
            return;
        }

        var formatter = TokenTestData.NewFormatter(_temp.Path);
        var token = formatter.Create(Cases[3].ToPayload(AuthMethods.Default));
        string[] bad = [token[..^1], token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..], "not-a-token"];
        var ops = new JsonArray();
        foreach (var b in bad)
        {
            Assert.False(formatter.TryDecode(b, out _), b);
            var op = KeystonePython.Op("validate");
            op["token"] = b;
            ops.Add(op);
        }

        var results = KeystonePython.Run(_temp.Path, ops);

        foreach (var result in results)
        {
            Assert.False(result!["ok"]!.GetValue<bool>());
        }
    }

    private static string KeystoneTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + ".000000Z";

    private sealed record InteropCase(
        string Name,
        string UserId,
        string[] Methods,
        string ExpiresAt,
        string[] AuditIds,
        string? ProjectId = null,
        string? DomainId = null,
        string? System = null,
        string? UserIdBack = null,
        string? ProjectIdBack = null)
    {
        public DateTimeOffset ExpiresAtValue =>
            DateTimeOffset.Parse(ExpiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public TokenPayload ToPayload(AuthMethods methods) =>
            new(UserId, methods.ToMask(Methods), ExpiresAtValue, AuditIds, ProjectId, DomainId, System);

        public JsonObject ToCreateOp()
        {
            var op = KeystonePython.Op("create");
            op["user_id"] = UserId;
            op["methods"] = new JsonArray(Methods.Select(m => (JsonNode?)m).ToArray());
            op["expires_at"] = ExpiresAt;
            op["audit_ids"] = new JsonArray(AuditIds.Select(a => (JsonNode?)a).ToArray());
            op["project_id"] = ProjectId;
            op["domain_id"] = DomainId;
            op["system"] = System;
            return op;
        }
    }
}
