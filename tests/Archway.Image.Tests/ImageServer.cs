using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Archway.Data.Configuration;
using Archway.Image.Config;
using Archway.Image.Schema;
using Archway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Tests;

/// <summary>
/// The Image service in process, with its own data directory (glance.db, images/), served through the test
/// server. Nothing validates tokens here: a client says who it is with the headers the auth middleware would set
/// (X-Identity-Status, X-Project-Id, X-User-Id, X-Roles), which is the contract the Image service reads.
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    public const string AdminProject = "admin-project";

    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private ImageServer(WebApplication app, string dataDirectory, GlanceOptions options, Uri? address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Options = options;
        Address = address;
    }

    /// <summary>Where a server started with a real socket (Kestrel on 127.0.0.1) listens; null for the test server.</summary>
    public Uri? Address { get; }

    public string DataDirectory { get; }

    public GlanceOptions Options { get; }

    /// <summary>filesystem_store_datadir.</summary>
    public string StoreDirectory => Options.FilesystemStoreDatadir;

    public IServiceProvider Services => _app.Services;

    public static async Task<ImageServer> StartAsync(string? config = null, Action<IServiceCollection>? services = null, bool kestrel = false)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "archway-image-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        // The engine under test (ARCHWAY_TEST_DATABASE) gives each server a fresh database of its own, unless the
        // test names its own.
        config ??= "";
        var options = LoadOptions(config + (config.Contains("[database]", StringComparison.Ordinal) ? "" : TestDatabases.DatabaseSection()), dataDirectory);
        new ImageDatabase(options.Database).Database.Migrate();
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }
        builder.Logging.ClearProviders();
        // Every reading of the clock is 10 ms after the last, so that images created one after the other never
        // share a created_at and lists come back in a known order.
        builder.Services.AddSingleton<TimeProvider>(new SteppingTimeProvider());
        builder.Services.AddImageService(options);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseImageApi();
        await app.StartAsync();
        var address = kestrel
            ? new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single())
            : null;
        return new ImageServer(app, dataDirectory, options, address);
    }

    internal static GlanceOptions LoadOptions(string config, string dataDirectory)
    {
        var file = IniFile.Parse(config, "glance-api.conf");
        var reader = new OptionReader(file);
        var options = GlanceOptions.Read(reader, dataDirectory, file);
        reader.ThrowIfInvalid();
        return options;
    }

    /// <summary>A client scoped to <paramref name="project"/> with <paramref name="roles"/> (as the auth middleware sets them).</summary>
    public HttpClient As(string project, params string[] roles)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Add("X-Identity-Status", "Confirmed");
        client.DefaultRequestHeaders.Add("X-Project-Id", project);
        client.DefaultRequestHeaders.Add("X-User-Id", "user-of-" + project);
        client.DefaultRequestHeaders.Add("X-Roles", string.Join(',', roles.Length == 0 ? ["reader", "member"] : roles));
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _clients.Add(client);
        return client;
    }

    /// <summary>An admin of the admin project (roles admin, member, reader, as Keystone's implied roles give).</summary>
    public HttpClient Admin() => As(AdminProject, "admin", "member", "reader");

    /// <summary>A request without a confirmed identity.</summary>
    public HttpClient Anonymous()
    {
        var client = NewClient();
        _clients.Add(client);
        return client;
    }

    private HttpClient NewClient() => Address is null ? _app.GetTestClient() : new HttpClient { BaseAddress = Address };

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>POST /v2/images; fails the test unless it is 201.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, object? body = null)
    {
        using var response = await client.PostAsJsonAsync("/v2/images", body ?? new { name = "test", disk_format = "raw", container_format = "bare" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string> CreateIdAsync(HttpClient client, object? body = null) =>
        (await CreateAsync(client, body)).GetProperty("id").GetString()!;

    /// <summary>PUT /v2/images/{id}/file with application/octet-stream.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string id, byte[] data)
    {
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync($"/v2/images/{id}/file", content);
    }

    public static async Task<JsonElement> ShowAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/v2/images/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>PATCH with the v2.1 JSON-patch media type.</summary>
    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string body, string mediaType = "application/openstack-images-v2.1-json-patch")
    {
        using var content = new StringContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.PatchAsync($"/v2/images/{id}", content);
    }

    public static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
        TestDatabases.Drop(Options.Database);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the temp directory is cleaned by the OS.
        }
    }
}

/// <summary>One Image server shared by a test class whose tests each own their images (and projects).</summary>
public sealed class ImageServerFixture : IAsyncLifetime
{
    public ImageServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ImageServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A clock that moves 10 ms forward each time it is read, from now.</summary>
public sealed class SteppingTimeProvider : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, TimeSpan.TicksPerMillisecond * 10), TimeSpan.Zero);
}
