using System.Net;
using System.Security.Cryptography;
using System.Text;
using Archway.Identity.Credentials;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Credentials;

/// <summary>
/// Blobs at rest: Fernet tokens made with the [credential] key repository's primary key, the key's SHA-1 beside them,
/// readable after a rotation. Each test runs its own server, since rotating keys changes what the others would see.
/// </summary>
public sealed class CredentialEncryptionTests
{
    [Fact]
    public async Task The_blob_is_stored_as_a_fernet_token_of_the_primary_key_never_in_clear()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        const string Secret = "very-secret-value-1234";

        var id = await CreateAsync(server, token, "cert", Secret);

        var row = await RowAsync(server, id);
        Assert.DoesNotContain(Secret, row.EncryptedBlob, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)), row.EncryptedBlob, StringComparison.Ordinal);
        // cryptography's Fernet writes padded url-safe base64, which Keystone's decrypt requires.
        Assert.StartsWith("gAAAAA", row.EncryptedBlob, StringComparison.Ordinal);
        Assert.Equal(0, row.EncryptedBlob.Length % 4);
        var repository = CredentialKeys(server);
        var primary = PrimaryKeyFile(repository);
        Assert.Equal(Sha1Hex(File.ReadAllText(primary)), row.KeyHash);
        var keys = repository.LoadKeys().Select(k => new FernetKey(k)).ToArray();
        Assert.Equal(Secret, Encoding.UTF8.GetString(FernetEnvelope.Open(row.EncryptedBlob, keys[..1], out _)!));
    }

    [Fact]
    public async Task An_ec2_blob_is_encrypted_as_the_json_string_keystone_writes()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var blob = "{\"access\": \"caf\u00e9\", \"secret\": \"s\"}";
        var id = (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            $$$"""{"credential": {"type": "ec2", "blob": {{{System.Text.Json.JsonSerializer.Serialize(blob)}}}, "user_id": "u", "project_id": "p"}}""")).GetProperty("credential").GetProperty("id").GetString()!;

        var row = await RowAsync(server, id);

        var keys = CredentialKeys(server).LoadKeys().Select(k => new FernetKey(k)).ToArray();
        var plaintext = Encoding.UTF8.GetString(FernetEnvelope.Open(row.EncryptedBlob, keys, out _)!);
        Assert.Equal("\"{\\\"access\\\": \\\"caf\\u00e9\\\", \\\"secret\\\": \\\"s\\\"}\"", plaintext);
    }

    [Fact]
    public async Task A_credential_reads_back_after_a_rotation_and_new_ones_use_the_new_primary()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var before = await CreateAsync(server, token, "cert", "before rotation");
        var oldHash = (await RowAsync(server, before)).KeyHash;

        // `archway credential rotate`: the staged key becomes primary; the old primary stays as a secondary.
        CredentialKeys(server).Rotate();

        var shown = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{before}", token)).GetProperty("credential");
        Assert.Equal("before rotation", shown.GetProperty("blob").GetString());
        var after = await CreateAsync(server, token, "cert", "after rotation");
        var newHash = (await RowAsync(server, after)).KeyHash;
        Assert.NotEqual(oldHash, newHash);
        Assert.Equal(Sha1Hex(File.ReadAllText(PrimaryKeyFile(CredentialKeys(server)))), newHash);
        var list = await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/credentials?type=cert", token);
        Assert.Equal(["after rotation", "before rotation"],
            list.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("blob").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_keys_the_null_key_encrypts_and_stays_readable_after_setup()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var repository = CredentialKeys(server);
        Directory.Delete(repository.Directory, recursive: true);

        var id = await CreateAsync(server, token, "cert", "null key");

        // Keystone's NULL_KEY: 32 zero bytes, as Fernet.generate_key would write them.
        Assert.Equal(Sha1Hex(Convert.ToBase64String(new byte[32])), (await RowAsync(server, id)).KeyHash);
        repository.Setup();
        var shown = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Equal("null key", shown.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task A_blob_no_key_opens_is_a_server_error_not_a_wrong_answer()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var id = await CreateAsync(server, token, "cert", "lost");
        var repository = CredentialKeys(server);
        Directory.Delete(repository.Directory, recursive: true);
        repository.Setup();

        await server.ExpectAsync(HttpStatusCode.InternalServerError, HttpMethod.Get, $"/v3/credentials/{id}", token);
    }

    [Fact]
    public async Task User_limit_caps_the_credentials_of_one_user()
    {
        await using var server = await IdentityServer.StartAsync("[credential]\nuser_limit = 2\n");
        var token = await server.AdminTokenAsync();
        await CreateAsync(server, token, "cert", "one");
        await CreateAsync(server, token, "cert", "two");

        await server.ExpectErrorAsync(HttpStatusCode.Forbidden, "Unable to create additional credentials, maximum of 2 already exceeded for user.",
            HttpMethod.Post, "/v3/credentials", token, """{"credential": {"type": "cert", "blob": "three", "user_id": "limited"}}""");
        await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            """{"credential": {"type": "cert", "blob": "one", "user_id": "another"}}""");
    }

    [Fact]
    public async Task Migrate_reencrypts_with_the_primary_so_rotations_past_max_active_keys_lose_nothing()
    {
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var blobs = new[] { "first", "second", "third" };
        var ids = new List<string>();
        foreach (var blob in blobs)
        {
            ids.Add(await CreateAsync(server, token, "cert", blob));
        }
        var originalKeys = CredentialKeys(server).LoadKeys().Select(Convert.ToBase64String).ToList();

        // keystone-manage credential_rotate: allowed while every credential is on the primary key...
        Assert.Equal(0, (await CliAsync(server, "credential", "rotate")).ExitCode);
        // ...then refused until the credentials are migrated, since the next rotation could drop their key.
        var refused = await CliAsync(server, "credential", "rotate");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not all credentials are encrypted with the primary key", refused.Error, StringComparison.Ordinal);
        var migrated = await CliAsync(server, "credential", "migrate");
        Assert.Equal(0, migrated.ExitCode);
        Assert.Contains("credentials re-encrypted with the primary key: 3", migrated.Output, StringComparison.Ordinal);
        var primaryHash = Sha1Hex(File.ReadAllText(PrimaryKeyFile(CredentialKeys(server))));
        foreach (var id in ids)
        {
            Assert.Equal(primaryHash, (await RowAsync(server, id)).KeyHash);
        }
        Assert.Contains("re-encrypted with the primary key: 0", (await CliAsync(server, "credential", "migrate")).Output, StringComparison.Ordinal);

        // Two more rotations, each after a migration: with max_active_keys 3, every key the credentials were first
        // encrypted with is gone from the repository.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(0, (await CliAsync(server, "credential", "rotate")).ExitCode);
            Assert.Equal(0, (await CliAsync(server, "credential", "migrate")).ExitCode);
        }
        var keysNow = CredentialKeys(server).LoadKeys().Select(Convert.ToBase64String).ToList();
        Assert.Equal(3, keysNow.Count);
        Assert.Empty(keysNow.Intersect(originalKeys));

        var list = await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/credentials?type=cert", token);
        Assert.Equal(blobs.Order(StringComparer.Ordinal),
            list.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("blob").GetString()).Order(StringComparer.Ordinal));
        for (var i = 0; i < ids.Count; i++)
        {
            var shown = await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{ids[i]}", token);
            Assert.Equal(blobs[i], shown.GetProperty("credential").GetProperty("blob").GetString());
        }
    }

    [Fact]
    public async Task Credential_help_lists_migrate()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await Archway.Cli.ArchwayCli.RunAsync(["credential", "--help"], output, error));
        Assert.Matches(@"(?m)^\s+migrate\s+Re-encrypt every credential", output.ToString());
    }

    /// <summary>Runs `archway ARGS` on the server's own configuration and data directory, as an operator would.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> CliAsync(IdentityServer server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Archway.Cli.ArchwayCli.RunAsync(
            [.. args, "--config", Path.Combine(server.DataDirectory, "keystone.conf"), "--data-dir", server.DataDirectory], output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static async Task<string> CreateAsync(IdentityServer server, string token, string type, string blob) =>
        (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            $$$"""{"credential": {"type": "{{{type}}}", "blob": "{{{blob}}}", "user_id": "limited"}}""")).GetProperty("credential").GetProperty("id").GetString()!;

    private static async Task<CredentialRecord> RowAsync(IdentityServer server, string id)
    {
        await using var db = server.Get<IdentityDatabase>().Open();
        return await db.GetTable<CredentialRecord>().SingleAsync(c => c.Id == id);
    }

    private static FernetKeyRepository CredentialKeys(IdentityServer server) =>
        new(server.Settings.Identity.CredentialKeyRepository, server.Settings.Identity.CredentialMaxActiveKeys);

    /// <summary>The highest-numbered key file: the primary.</summary>
    private static string PrimaryKeyFile(FernetKeyRepository repository) =>
        Directory.EnumerateFiles(repository.Directory).Where(f => int.TryParse(Path.GetFileName(f), out _))
            .MaxBy(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture))!;

    private static string Sha1Hex(string text) =>
#pragma warning disable CA5350 // Keystone's key_hash is a SHA-1.
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
}
