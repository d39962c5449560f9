using System.Net;
using System.Text.Json;
using Archway.KeystoneAuth.Tests.Harness;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Tests.Validation;

/// <summary>Identity on Kestrel, reached over a real socket: down means 503 (not 401), and a restart is survived.</summary>
public sealed class IdentityOutageTests
{
    [Fact]
    public async Task Identity_unreachable_gives_503_and_a_log_line_that_says_so()
    {
        var port = IdentityHost.FreePort();
        await using var api = await ProtectedApi.StartAsync(new KeystoneAuthOptions
        {
            WwwAuthenticateUri = $"http://127.0.0.1:{port}",
            AuthUrl = $"http://127.0.0.1:{port}",
            Username = "glance",
            Password = "irrelevant",
            ProjectName = "service",
            UserDomainName = "Default",
            ProjectDomainName = "Default",
            HttpRequestMaxRetries = 0,
        }, identity: null, realClock: true);

        using var response = await api.GetAsync("/whoami", "gAAAAABsome-token");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.True(api.Logs.Contains(LogLevel.Critical, "the Identity service is unavailable"), api.Logs.Dump());
        Assert.True(api.Logs.Contains(LogLevel.Critical, $"127.0.0.1:{port}"), api.Logs.Dump());
        Assert.Equal(0, api.AppCalls);
    }

    [Fact]
    public async Task Identity_unreachable_with_delay_auth_decision_lets_the_app_decide()
    {
        var port = IdentityHost.FreePort();
        await using var api = await ProtectedApi.StartAsync(new KeystoneAuthOptions
        {
            AuthUrl = $"http://127.0.0.1:{port}",
            Username = "glance",
            Password = "irrelevant",
            ProjectName = "service",
            DelayAuthDecision = true,
            HttpRequestMaxRetries = 0,
        }, identity: null, realClock: true);

        var seen = await api.WhoAmIAsync("gAAAAABsome-token");

        Assert.Equal("Invalid", seen.Header("X-Identity-Status"));
        // The application can tell "Identity is down" from "the token is bad", and answer 503 rather than 401.
        Assert.True(seen.FeatureIdentityUnavailable);
        Assert.True(api.Logs.Contains(LogLevel.Warning, "delay_auth_decision"), api.Logs.Dump());
    }

    [Fact]
    public async Task The_middleware_survives_identity_restarting()
    {
        await using var first = await IdentityHost.StartOnKestrelAsync();
        var before = await first.DemoTokenAsync();
        var during = await first.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(first) with { HttpRequestMaxRetries = 1 }, first, realClock: true);
        Assert.Equal("demo", (await api.WhoAmIAsync(before)).Header("X-User-Name"));

        await first.StopAsync();
        using (var down = await api.GetAsync("/whoami", during))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }

        // Same port, same database and Fernet keys: tokens issued before the restart are still good.
        await using var second = await IdentityHost.StartOnKestrelAsync(new Uri(first.Url).Port, first.DataDirectory);
        Assert.Equal("demo", (await api.WhoAmIAsync(during)).Header("X-User-Name"));
        Assert.Equal("demo", (await api.WhoAmIAsync(await second.DemoTokenAsync())).Header("X-User-Name"));
    }
}
