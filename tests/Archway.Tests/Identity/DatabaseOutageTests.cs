using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Archway.Testing;

namespace Archway.Tests.Identity;

/// <summary>
/// The Identity database goes away under load (its server killed) and comes back: requests meanwhile get Keystone's
/// 503 within the configured pool_timeout, never a 500 or a hang, and the service recovers by itself.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Theory, EngineData("mysql"), EngineData("postgres")]
    public async Task Requests_during_an_outage_get_503_and_the_service_recovers(string engine)
    {
        await using var database = await PrivateDatabaseServer.StartAsync(engine);
        await using var server = await IdentityServer.StartAsync($"\n[database]\nconnection = {database.Url}\npool_timeout = 3\n");
        var admin = await server.AdminTokenAsync();
        await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/projects", admin);

        await database.StopAsync();
        // The project list is served from the identity state cache (loaded above, no write since): it still answers.
        await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/projects", admin);
        // Several at once, as under load: each gets its answer within the timeout.
        var during = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            // The user list reads the database on every request.
            using var response = await server.SendAsync(HttpMethod.Get, "/v3/users", admin);
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync(), clock.Elapsed);
        }));
        foreach (var (status, text, elapsed) in during)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {text}");
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"answered after {elapsed}");
            using var body = JsonDocument.Parse(text);
            var error = body.RootElement.GetProperty("error");
            Assert.Equal(503, error.GetProperty("code").GetInt32());
            Assert.Equal("Service Unavailable", error.GetProperty("title").GetString());
            Assert.Contains("database is unavailable", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await database.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        do
        {
            using var response = await server.SendAsync(HttpMethod.Get, "/v3/users", admin);
            last = response.StatusCode;
            if (last != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
                await Task.Delay(200);
            }
        }
        while (last != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, last);
        // Writes work again too.
        await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            """{"project": {"name": "after-the-outage", "domain_id": "default"}}""");
    }
}
