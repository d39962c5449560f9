using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Archway.Testing;

namespace Archway.Image.Tests.Images;

/// <summary>
/// The Image database goes away (its server killed) and comes back: requests meanwhile get Glance's 503 within the
/// configured pool_timeout, never a 500 or a hang, and the service recovers by itself.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Theory, EngineData("mysql"), EngineData("postgres")]
    public async Task Requests_during_an_outage_get_503_and_the_service_recovers(string engine)
    {
        await using var database = await PrivateDatabaseServer.StartAsync(engine);
        await using var server = await ImageServer.StartAsync($"[database]\nconnection = {database.Url}\npool_timeout = 3\n");
        var admin = server.Admin();
        await ImageServer.CreateIdAsync(admin);

        await database.StopAsync();
        var during = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await admin.GetAsync("/v2/images");
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync(), clock.Elapsed);
        }));
        foreach (var (status, text, elapsed) in during)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {text}");
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"answered after {elapsed}");
            Assert.Contains("database is unavailable", text, StringComparison.Ordinal);
        }

        await database.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode last;
        string listed;
        do
        {
            using var response = await admin.GetAsync("/v2/images");
            last = response.StatusCode;
            listed = await response.Content.ReadAsStringAsync();
            if (last != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
                await Task.Delay(200);
            }
        }
        while (last != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, last);
        using var document = JsonDocument.Parse(listed);
        Assert.Single(document.RootElement.GetProperty("images").EnumerateArray());
        await ImageServer.CreateIdAsync(admin);
    }
}
