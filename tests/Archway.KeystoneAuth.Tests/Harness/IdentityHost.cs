using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Archway.Data.Configuration;
using Archway.Identity;
using Archway.Identity.Bootstrap;
using Archway.Identity.Config;
using Archway.Identity.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Archway.KeystoneAuth.Tests.Harness;

/// <summary>
/// The real Identity service (Archway.Identity through its public API), bootstrapped in its own data directory and
/// served either through the test server or by Kestrel on 127.0.0.1. It records every request it receives, so that
/// tests count calls at the Identity side. Users: admin (admin project), glance (service project, role admin: the
/// guide's service user), nova (service project, role service) and demo (demo project, role observer, which
/// implies member and reader).
/// </summary>
public sealed class IdentityHost : IAsyncDisposable
{
    public const string AdminPassword = "admin-secret";
    public const string GlancePassword = "glance-secret";
    public const string NovaPassword = "nova-secret";
    public const string DemoPassword = "demo-secret";

    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;
    private bool _stopped;

    private IdentityHost(WebApplication app, string dataDirectory, string url, HttpClient client, RequestLog requests, bool ownsDataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Url = url;
        Client = client;
        Requests = requests;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>The base URL, without /v3.</summary>
    public string Url { get; }

    public HttpClient Client { get; }
    public RequestLog Requests { get; }

    /// <summary>A handler into the test server (only when not on Kestrel), for the middleware's HttpClient.</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    /// <summary>Identity on the test server.</summary>
    public static Task<IdentityHost> StartAsync(string? extraConfig = null) => StartAsync(null, null, extraConfig);

    /// <summary>
    /// Identity on Kestrel at 127.0.0.1:<paramref name="port"/> (a free one when null). Given an existing data
    /// directory, it starts on that state (a restart) and leaves the directory in place when disposed.
    /// </summary>
    public static Task<IdentityHost> StartOnKestrelAsync(int? port = null, string? dataDirectory = null) =>
        StartAsync(port ?? FreePort(), dataDirectory, null);

    private static async Task<IdentityHost> StartAsync(int? port, string? dataDirectory, string? extraConfig)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "keystoneauth-test-" + Guid.NewGuid().ToString("N"));
        var url = port is null ? "http://localhost" : $"http://127.0.0.1:{port}";
        var configPath = Path.Combine(dataDirectory, "keystone.conf");
        if (owns)
        {
            Directory.CreateDirectory(dataDirectory);
            await File.WriteAllTextAsync(configPath, "[identity]\npassword_hash_rounds = 4\n" + (extraConfig ?? ""));
        }
        var reader = new OptionReader(IniFile.Load(configPath));
        var options = KeystoneOptions.Read(reader, dataDirectory);
        Assert.Empty(reader.Problems);
        if (owns)
        {
            await SetUpAsync(options, url);
        }

        var requests = new RequestLog();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (port is { } kestrelPort)
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, kestrelPort));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }
        builder.Services.AddIdentityService(options);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            requests.Record(context.Request);
            return next(context);
        });
        app.MapIdentityApi();
        await app.StartAsync();
        var client = port is null ? app.GetTestClient() : new HttpClient { BaseAddress = new Uri(url) };
        return new IdentityHost(app, dataDirectory, url, client, requests, owns);
    }

    /// <summary>What keystone-manage fernet_setup, db_sync and bootstrap (plus the guide's service users) would do.</summary>
    private static async Task SetUpAsync(KeystoneOptions options, string url)
    {
        // keystone-manage fernet_setup: a staged key 0 and a primary key 1, url-safe base64 of 32 random bytes.
        Directory.CreateDirectory(options.FernetKeyRepository);
        foreach (var name in new[] { "0", "1" })
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_');
            await File.WriteAllTextAsync(Path.Combine(options.FernetKeyRepository, name), key);
        }
        var database = new IdentityDatabase(options.Database);
        database.Database.Migrate();
        var bootstrapper = new Bootstrapper(database, options, TimeProvider.System, NullLogger<Bootstrapper>.Instance);
        await bootstrapper.RunAsync(new BootstrapOptions
        {
            Password = AdminPassword,
            PublicUrl = url + "/v3/",
            InternalUrl = url + "/v3/",
            AdminUrl = url + "/v3/",
            RegionId = "RegionOne",
        }, CancellationToken.None);
        await bootstrapper.RunAsync(new BootstrapOptions { Username = "glance", Password = GlancePassword, ProjectName = "service" }, CancellationToken.None);
        await bootstrapper.RunAsync(new BootstrapOptions { Username = "nova", Password = NovaPassword, ProjectName = "service", RoleName = "service" }, CancellationToken.None);
        await bootstrapper.RunAsync(new BootstrapOptions { Username = "demo", Password = DemoPassword, ProjectName = "demo", RoleName = "observer" }, CancellationToken.None);
    }

    /// <summary>A project-scoped token for a user of the Default domain, and its token document.</summary>
    public async Task<(string Id, JsonElement Token)> IssueAsync(string user, string password, string project)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject { ["name"] = user, ["domain"] = new JsonObject { ["name"] = "Default" }, ["password"] = password },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject { ["name"] = project, ["domain"] = new JsonObject { ["name"] = "Default" } },
                },
            },
        };
        using var response = await Client.PostAsJsonAsync("/v3/auth/tokens", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.Headers.GetValues("X-Subject-Token").Single(), document.RootElement.GetProperty("token").Clone());
    }

    public async Task<string> DemoTokenAsync() => (await IssueAsync("demo", DemoPassword, "demo")).Id;

    public async Task<string> AdminTokenAsync() => (await IssueAsync("admin", AdminPassword, "admin")).Id;

    /// <summary>DELETE /v3/auth/tokens as admin: Keystone revokes the token at once.</summary>
    public async Task RevokeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/v3/auth/tokens");
        request.Headers.Add("X-Auth-Token", await AdminTokenAsync());
        request.Headers.Add("X-Subject-Token", token);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Stops serving, as a crash or a restart would, and keeps the data directory.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDataDirectory)
        {
            DeleteDataDirectory(DataDirectory);
        }
    }

    public static void DeleteDataDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the temp directory is cleaned by the OS.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every request Identity received: method, path and the caller's X-Auth-Token.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<(string Method, string Path, string AuthToken)> _requests = new();

    public void Record(HttpRequest request) =>
        _requests.Enqueue((request.Method, request.Path.Value ?? "", request.Headers["X-Auth-Token"].ToString()));

    /// <summary>Token validations (GET /v3/auth/tokens) made with <paramref name="caller"/>, or by anyone.</summary>
    public int Validations(string? caller = null) =>
        _requests.Count(r => r.Method == "GET" && r.Path == "/v3/auth/tokens" && (caller is null || r.AuthToken == caller));

    /// <summary>Logins (POST /v3/auth/tokens).</summary>
    public int Logins => _requests.Count(r => r.Method == "POST" && r.Path == "/v3/auth/tokens");

    /// <summary>The X-Auth-Token of the last validation: the middleware's service token.</summary>
    public string LastValidationCaller => _requests.Last(r => r.Method == "GET" && r.Path == "/v3/auth/tokens").AuthToken;
}
