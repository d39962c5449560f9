using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Archway.KeystoneAuth.Tests.Harness;

/// <summary>
/// A minimal ASP.NET Core API behind the middleware, on the test server. GET /whoami answers what the middleware
/// gave the application (headers, claims, feature); GET /deny answers 401 itself, as an application might.
/// </summary>
public sealed class ProtectedApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProtectedApi(WebApplication app, FakeTimeProvider? clock, LogCollector logs)
    {
        _app = app;
        Clock = clock;
        Logs = logs;
    }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The middleware's clock, when the test drives it.</summary>
    public FakeTimeProvider? Clock { get; }

    public LogCollector Logs { get; }

    /// <summary>How many requests reached the application behind the middleware.</summary>
    public int AppCalls => Volatile.Read(ref _appCalls.Value);

    private readonly StrongBox _appCalls = new();

    /// <summary>
    /// Starts the API with <paramref name="options"/>. With an Identity on the test server, the middleware reaches it
    /// through that server's handler; on Kestrel, through a real socket. The clock is fake unless
    /// <paramref name="realClock"/>, starting at the real time so that Identity's expiry times make sense to it.
    /// </summary>
    public static async Task<ProtectedApi> StartAsync(
        KeystoneAuthOptions options, IdentityHost? identity, bool realClock = false, Action<IServiceCollection>? services = null)
    {
        var logs = new LogCollector();
        var clock = realClock ? null : new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        if (clock is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
        }
        var http = builder.Services.AddKeystoneAuth(options);
        if (identity is not null && !identity.Url.Contains("127.0.0.1", StringComparison.Ordinal))
        {
            http.ConfigurePrimaryHttpMessageHandler(identity.CreateHandler);
        }
        services?.Invoke(builder.Services);
        var app = builder.Build();
        var api = new ProtectedApi(app, clock, logs);
        app.UseKeystoneAuth();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref api._appCalls.Value);
            return next(context);
        });
        app.MapGet("/whoami", (HttpContext context) => Results.Json(WhoAmI.From(context)));
        app.MapGet("/deny", () => Results.StatusCode(StatusCodes.Status401Unauthorized));
        await app.StartAsync();
        api.Client = app.GetTestClient();
        return api;
    }

    /// <summary>The www_authenticate_uri of the tests: where clients would be sent to get a token.</summary>
    public const string PublicIdentityUrl = "http://controller:5000";

    /// <summary>The guide's [keystone_authtoken] for glance, pointed at <paramref name="identity"/>.</summary>
    public static KeystoneAuthOptions GuideOptions(IdentityHost identity) => new()
    {
        WwwAuthenticateUri = PublicIdentityUrl,
        AuthUrl = identity.Url,
        ProjectDomainName = "Default",
        UserDomainName = "Default",
        ProjectName = "service",
        Username = "glance",
        Password = IdentityHost.GlancePassword,
        HttpRequestMaxRetries = 0,
    };

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? serviceToken = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }
        if (serviceToken is not null)
        {
            request.Headers.Add("X-Service-Token", serviceToken);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return Client.SendAsync(request);
    }

    /// <summary>GET /whoami, asserting the application answered.</summary>
    public async Task<WhoAmI> WhoAmIAsync(string? token = null, string? serviceToken = null, params (string Name, string Value)[] headers)
    {
        using var response = await GetAsync("/whoami", token, serviceToken, headers);
        Assert.True(response.IsSuccessStatusCode, $"expected the application to answer, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<WhoAmI>())!;
    }

    public void Advance(TimeSpan by) => (Clock ?? throw new InvalidOperationException("the API runs on the real clock")).Advance(by);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class StrongBox
    {
        public int Value;
    }
}

/// <summary>What the application saw.</summary>
public sealed record WhoAmI(
    Dictionary<string, string> Headers,
    bool Authenticated,
    string? Name,
    List<string[]> Claims,
    string? FeatureStatus,
    string? FeatureUserId,
    string? FeatureServiceStatus,
    string? FeatureServiceUserId,
    int CatalogServices,
    bool FeatureIdentityUnavailable)
{
    public static WhoAmI From(HttpContext context)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name] = value.ToString();
        }
        var feature = context.GetKeystoneAuth();
        return new WhoAmI(
            headers,
            context.User.Identity?.IsAuthenticated == true,
            context.User.Identity?.Name,
            context.User.Claims.Select(c => new[] { c.Type, c.Value }).ToList(),
            feature?.IdentityStatus.ToString(),
            feature?.Token?.UserId,
            feature?.ServiceIdentityStatus?.ToString(),
            feature?.ServiceToken?.UserId,
            feature?.Token?.Catalog?.Count ?? -1,
            feature?.IdentityUnavailable ?? false);
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public IEnumerable<string> ClaimValues(string type) => Claims.Where(c => c[0] == type).Select(c => c[1]);

    public string? Claim(string type) => ClaimValues(type).SingleOrDefault();
}

/// <summary>Collects log lines so that tests can check what the middleware said.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, string Category, string Message)> Lines => _lines;

    public bool Contains(LogLevel level, string text) =>
        _lines.Any(l => l.Level == level && l.Message.Contains(text, StringComparison.Ordinal));

    public string Dump() => string.Join(Environment.NewLine, _lines.Select(l => $"{l.Level} {l.Category}: {l.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, category, formatter(state, exception)));
    }
}
