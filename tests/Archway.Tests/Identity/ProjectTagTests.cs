using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

public sealed class ProjectTagTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private async Task<string> CreateProjectAsync(string admin, params string[] tags) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = "t" + Guid.NewGuid().ToString("N")[..8], tags } }))).GetProperty("project").GetProperty("id").GetString()!;

    private static List<string?> Tags(JsonElement body) => body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();

    [Fact]
    public async Task Tags_are_stored_shown_replaced_added_checked_and_removed()
    {
        var admin = await _server.AdminTokenAsync();
        var id = await CreateProjectAsync(admin, "blue", "green");
        var project = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/projects/{id}", admin);
        Assert.Equal(["blue", "green"], Tags(project.GetProperty("project")));

        Assert.Equal(["red"], Tags(await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"/v3/projects/{id}/tags", admin, """{"tags": ["red"]}""")));
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/projects/{id}/tags/yellow", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Head, $"/v3/projects/{id}/tags/yellow", admin);
        Assert.Equal(["red", "yellow"], Tags(await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/projects/{id}/tags", admin)));
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{id}/tags/red", admin);
        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/projects/{id}/tags/red", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{id}/tags", admin);
        Assert.Empty(Tags(await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/projects/{id}/tags", admin)));
    }

    [Theory]
    [InlineData("""{"project": {"name": "x", "tags": ["a,b"]}}""", "does not match")]
    [InlineData("""{"project": {"name": "x", "tags": ["a", "a"]}}""", "non-unique")]
    [InlineData("""{"project": {"name": "x", "tags": "a"}}""", "is not of type 'array'")]
    [InlineData("""{"project": {"name": "x", "tags": [""]}}""", "is too short")]
    public async Task Invalid_tags_are_refused(string body, string message)
    {
        var admin = await _server.AdminTokenAsync();
        var error = await _server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/v3/projects", admin, body);
        Assert.Contains(message, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_filter_by_tags_any_and_their_negations()
    {
        var admin = await _server.AdminTokenAsync();
        var marker = "m" + Guid.NewGuid().ToString("N")[..8];
        var both = await CreateProjectAsync(admin, marker, "x");
        var one = await CreateProjectAsync(admin, marker);
        var none = await CreateProjectAsync(admin, "x");
        async Task<HashSet<string?>> IdsAsync(string query) =>
            (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/projects?" + query, admin)).GetProperty("projects")
                .EnumerateArray().Select(p => p.GetProperty("id").GetString()).Where(i => i == both || i == one || i == none).ToHashSet();
        Assert.Equal([both], await IdsAsync($"tags={marker},x"));
        Assert.Equal([both, one, none], await IdsAsync($"tags-any={marker},x"));
        Assert.Equal([one, none], await IdsAsync($"not-tags={marker},x"));
        Assert.Equal([none], await IdsAsync($"not-tags-any={marker}"));
    }
}
