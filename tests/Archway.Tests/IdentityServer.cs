using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Archway.Data.Configuration;
using Archway.Hosting;
using Archway.Identity.Bootstrap;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Archway.Tests;

/// <summary>
/// A bootstrapped Identity service in process: its own data directory, SQLite database and key repository, served
/// through the test server. Bcrypt runs at cost 4 here so that tests spend their time on behaviour, not hashing.
/// </summary>
public sealed class IdentityServer : IAsyncDisposable
{
    public const string AdminPassword = "s3cret-Admin";

    private readonly WebApplication _app;

    private IdentityServer(WebApplication app, string dataDirectory, ArchwaySettings settings)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Settings = settings;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public string DataDirectory { get; }
    internal ArchwaySettings Settings { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<IdentityServer> StartAsync(string? extraConfig = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "archway-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var configPath = Path.Combine(dataDirectory, "keystone.conf");
        // The engine under test (ARCHWAY_TEST_DATABASE) gives each server a fresh database of its own, unless the
        // test names its own.
        extraConfig ??= "";
        var database = extraConfig.Contains("[database]", StringComparison.Ordinal) ? "" : TestDatabases.DatabaseSection();
        await File.WriteAllTextAsync(configPath, "[identity]\npassword_hash_rounds = 4\n" + extraConfig + database);
        var settings = ArchwaySettings.Load(configPath, dataDirectory);
        var identityDatabase = new IdentityDatabase(settings.Identity.Database);
        identityDatabase.Database.Migrate();
        new FernetKeyRepository(settings.Identity.FernetKeyRepository, settings.Identity.FernetMaxActiveKeys).Setup();
        // As `archway up` does: credential blobs are encrypted with these keys, not the null key.
        new FernetKeyRepository(settings.Identity.CredentialKeyRepository, settings.Identity.CredentialMaxActiveKeys).Setup();
        await new Bootstrapper(identityDatabase, settings.Identity, TimeProvider.System, NullLogger<Bootstrapper>.Instance)
            .RunAsync(new BootstrapOptions
            {
                Password = AdminPassword,
                PublicUrl = "http://localhost/v3/",
                InternalUrl = "http://localhost/v3/",
                AdminUrl = "http://localhost/v3/",
                RegionId = "RegionOne",
            }, CancellationToken.None);
        var app = ArchwayHost.BuildIdentity(settings, "127.0.0.1", 0, builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new IdentityServer(app, dataDirectory, settings);
    }

    internal T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>POST /v3/auth/tokens with a password, scoped to a project by name in the Default domain (or unscoped).</summary>
    public Task<HttpResponseMessage> PasswordAuthAsync(string user, string password, string? project = "admin") =>
        Client.PostAsJsonAsync("/v3/auth/tokens", PasswordBody(user, password, project));

    /// <summary>A password auth body; with no project the scope is left out (null is not a valid scope).</summary>
    public static JsonObject PasswordBody(string user, string password, string? project)
    {
        var auth = new JsonObject
        {
            ["identity"] = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject
                {
                    ["user"] = new JsonObject { ["name"] = user, ["domain"] = new JsonObject { ["name"] = "Default" }, ["password"] = password },
                },
            },
        };
        if (project is not null)
        {
            auth["scope"] = new JsonObject { ["project"] = new JsonObject { ["name"] = project, ["domain"] = new JsonObject { ["name"] = "Default" } } };
        }
        return new JsonObject { ["auth"] = auth };
    }

    public async Task<string> AdminTokenAsync()
    {
        using var response = await PasswordAuthAsync("admin", AdminPassword);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    public async Task<HttpResponseMessage> ValidateAsync(string callerToken, string subjectToken, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v3/auth/tokens" + query);
        request.Headers.Add("X-Auth-Token", callerToken);
        request.Headers.Add("X-Subject-Token", subjectToken);
        return await Client.SendAsync(request);
    }

    /// <summary>Sends a request as the given token, with an optional JSON body given as raw text.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        return await Client.SendAsync(request);
    }

    /// <summary>Sends and expects the given status, returning the JSON body (or default for an empty one).</summary>
    public async Task<JsonElement> ExpectAsync(System.Net.HttpStatusCode status, HttpMethod method, string path, string token, string? json = null)
    {
        using var response = await SendAsync(method, path, token, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        if (text.Length == 0)
        {
            return default;
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Creates a <paramref name="kind"/> (user, project, role) from its JSON fields and returns its id.</summary>
    public async Task<string> CreateAsync(string admin, string kind, object fields) =>
        (await ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, $"/v3/{kind}s", admin, JsonSerializer.Serialize(new Dictionary<string, object> { [kind] = fields })))
            .GetProperty(kind).GetProperty("id").GetString()!;

    /// <summary>Issues a project-scoped token for a user by name in the Default domain.</summary>
    public async Task<string> TokenAsync(string user, string password, string? project)
    {
        using var response = await PasswordAuthAsync(user, password, project);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"auth as {user}: {(int)response.StatusCode} {text}");
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        TestDatabases.Drop(Settings.Identity.Database);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the temp directory is cleaned by the OS.
        }
    }

    internal static ConfigurationException? ConfigError(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (ConfigurationException e)
        {
            return e;
        }
    }
}
