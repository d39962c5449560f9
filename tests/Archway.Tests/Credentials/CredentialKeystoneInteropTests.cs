using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Archway.Identity.Credentials;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;
using Xunit.Abstractions;

namespace Archway.Tests.Credentials;

/// <summary>
/// Live against Keystone's own credential provider (Debian's /usr/bin/python3 imports keystone): Keystone decrypts
/// what Archway stored and computes the same key_hash, and Archway reads what Keystone encrypted, on one shared
/// [credential] key repository. Missing Keystone fails under CI=true and is reported elsewhere.
/// </summary>
public sealed class CredentialKeystoneInteropTests(ITestOutputHelper output)
{
    private const string Python = "/usr/bin/python3";

    // keystone/credential/core.py's _encrypt_credential and _decrypt_credential, around the Fernet provider.
    private const string Script = """
        import importlib, json, sys
        import keystone.conf
        # The fernet package re-exports the abstract providers.core as `core`; take the module itself.
        core = importlib.import_module('keystone.credential.providers.fernet.core')
        request = json.load(sys.stdin)
        keystone.conf.configure()
        conf = keystone.conf.CONF
        conf([], project='keystone', default_config_files=[])
        conf.set_override('key_repository', request['key_repository'], group='credential')
        provider = core.Provider()
        def shown(type, encrypted):
            plaintext = provider.decrypt(encrypted)
            return json.loads(plaintext) if type == 'ec2' else plaintext
        def stored(type, blob):
            encrypted, key_hash = provider.encrypt(json.dumps(blob) if type == 'ec2' else blob)
            return {'encrypted_blob': encrypted.decode('utf-8'), 'key_hash': key_hash}
        print(json.dumps({
            'decrypted': [shown(c['type'], c['encrypted_blob']) for c in request['decrypt']],
            'encrypted': [stored(c['type'], c['blob']) for c in request['encrypt']],
            'primary_key_hash': core.primary_key_hash(core.get_multi_fernet_keys()[1]),
        }))
        """;

    [Fact]
    public async Task Keystone_and_archway_read_each_others_blobs_from_one_key_repository()
    {
        if (!await KeystoneAvailableAsync())
        {
            return;
        }
        await using var server = await IdentityServer.StartAsync();
        var token = await server.AdminTokenAsync();
        var ec2Blob = "{\"access\": \"archway-\u00e9\", \"secret\": \"s\"}";
        var archwayEc2 = await CreateAsync(server, token, "ec2", ec2Blob);
        var archwayTotp = await CreateAsync(server, token, "totp", "GEZDGNBVGY3TQOJQ");
        CredentialRecord[] rows;
        await using (var db = server.Get<IdentityDatabase>().Open())
        {
            rows = [.. await db.GetTable<CredentialRecord>().Where(c => c.Id == archwayEc2 || c.Id == archwayTotp).OrderBy(c => c.Type).ToListAsync()];
        }

        var keystoneEc2Blob = "{\"access\": \"keystone\", \"secret\": \"k\"}";
        var result = await RunKeystoneAsync(new JsonObject
        {
            ["key_repository"] = server.Settings.Identity.CredentialKeyRepository,
            ["decrypt"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject { ["type"] = r.Type, ["encrypted_blob"] = r.EncryptedBlob })]),
            ["encrypt"] = new JsonArray(new JsonObject { ["type"] = "ec2", ["blob"] = keystoneEc2Blob }),
        });

        Assert.Equal([ec2Blob, "GEZDGNBVGY3TQOJQ"], result["decrypted"]!.AsArray().Select(n => n!.GetValue<string>()));
        var keyHash = result["primary_key_hash"]!.GetValue<string>();
        Assert.All(rows, r => Assert.Equal(keyHash, r.KeyHash));
        var fromKeystone = result["encrypted"]![0]!;
        Assert.Equal(keyHash, fromKeystone["key_hash"]!.GetValue<string>());
        var keystoneId = Guid.NewGuid().ToString("N");
        await using (var db = server.Get<IdentityDatabase>().Open())
        {
            await db.InsertAsync(new CredentialRecord
            {
                Id = keystoneId,
                UserId = "from-keystone",
                ProjectId = "p",
                Type = "ec2",
                EncryptedBlob = fromKeystone["encrypted_blob"]!.GetValue<string>(),
                KeyHash = keyHash,
            });
        }
        var shown = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{keystoneId}", token)).GetProperty("credential");
        Assert.Equal(keystoneEc2Blob, shown.GetProperty("blob").GetString());
    }

    private static async Task<string> CreateAsync(IdentityServer server, string token, string type, string blob) =>
        (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            $$$"""{"credential": {"type": "{{{type}}}", "blob": {{{JsonSerializer.Serialize(blob)}}}, "user_id": "u", "project_id": "p"}}"""))
            .GetProperty("credential").GetProperty("id").GetString()!;

    private async Task<bool> KeystoneAvailableAsync()
    {
        var (exitCode, _, stderr) = await ExecuteAsync(["-I", "-c", "import keystone.credential.providers.fernet.core"], "");
        if (exitCode == 0)
        {
            return true;
        }
        var reason = $"{Python} cannot import keystone's credential provider: {stderr.Trim()}";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(reason);
        }
        output.WriteLine("NOT RUN: " + reason);
        return false;
    }

    private static async Task<JsonNode> RunKeystoneAsync(JsonObject request)
    {
        var (exitCode, stdout, stderr) = await ExecuteAsync(["-I", "-c", Script], request.ToJsonString());
        Assert.True(exitCode == 0, $"keystone credential script exited {exitCode}:\n{stderr}");
        return JsonNode.Parse(stdout)!;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> ExecuteAsync(string[] arguments, string stdin)
    {
        if (!File.Exists(Python))
        {
            return (-1, "", $"{Python} does not exist");
        }
        var start = new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "timed out after 120 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
