using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>
/// Racing creates of one name: the database's unique constraints decide, so exactly one request wins with 201 and
/// every other gets Keystone's 409, on whichever engine the suite runs (ARCHWAY_TEST_DATABASE).
/// </summary>
public sealed class ConcurrentCreateTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const int Racers = 8;
    private readonly IdentityServer _server = fixture.Server;

    [Theory]
    [InlineData("/v3/projects", "project", """{"project": {"name": "NAME", "domain_id": "default"}}""")]
    [InlineData("/v3/users", "user", """{"user": {"name": "NAME", "domain_id": "default", "password": "pw-NAME"}}""")]
    [InlineData("/v3/roles", "role", """{"role": {"name": "NAME"}}""")]
    [InlineData("/v3/groups", "group", """{"group": {"name": "NAME", "domain_id": "default"}}""")]
    [InlineData("/v3/domains", "domain", """{"domain": {"name": "NAME"}}""")]
    public async Task Concurrent_creates_of_one_name_give_one_201_and_the_rest_409(string path, string member, string body)
    {
        var admin = await _server.AdminTokenAsync();
        var name = "race" + Guid.NewGuid().ToString("N")[..8];
        var json = body.Replace("NAME", name, StringComparison.Ordinal);
        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, Racers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await _server.SendAsync(HttpMethod.Post, path, admin, json);
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(racers);

        var statuses = string.Join(", ", results.Select(r => $"{(int)r.StatusCode} {r.Text}"));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, statuses);
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Conflict) == Racers - 1, statuses);
        foreach (var conflict in results.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            using var document = JsonDocument.Parse(conflict.Text);
            var error = document.RootElement.GetProperty("error");
            Assert.Equal(409, error.GetProperty("code").GetInt32());
            Assert.Equal("Conflict", error.GetProperty("title").GetString());
        }

        var listed = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{path}?name={name}", admin);
        Assert.Single(listed.GetProperty(member + "s").EnumerateArray());
    }
}
