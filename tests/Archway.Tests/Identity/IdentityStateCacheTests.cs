using System.Net;
using System.Text.Json;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using LinqToDB;

namespace Archway.Tests.Identity;

/// <summary>
/// Token validation and catalogs are served from a cache of what they read from the database. Changes that end a
/// token are covered by <see cref="RevocationTests"/> (revocation events are checked outside the cache); these are
/// the changes that make no event and must still show in the very next validation after a warm one.
/// </summary>
public sealed class IdentityStateCacheTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(string UserId, string ProjectId, string Token)> MemberAsync(IdentityServer server, string admin)
    {
        var (name, projectName, projectId) = await NamedMemberAsync(server, admin);
        var token = await server.TokenAsync(name, "Passw0rd!", projectName);
        var userId = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/users?name={name}", admin)).GetProperty("users")[0].GetProperty("id").GetString()!;
        return (userId, projectId, token);
    }

    private static async Task<JsonElement> ValidTokenAsync(IdentityServer server, string admin, string token)
    {
        using var response = await server.ValidateAsync(admin, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await IdentityServer.JsonAsync(response)).GetProperty("token");
    }

    private static string[] RoleNames(JsonElement token) =>
        [.. token.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Order()];

    [Fact]
    public async Task A_granted_role_shows_in_the_next_validation()
    {
        var admin = await _server.AdminTokenAsync();
        var (userId, projectId, token) = await MemberAsync(_server, admin);
        Assert.Equal(["reader"], RoleNames(await ValidTokenAsync(_server, admin, token)));
        var extra = Unique("r");
        var roleId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/roles", admin,
            JsonSerializer.Serialize(new { role = new { name = extra } }))).GetProperty("role").GetProperty("id").GetString();

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{roleId}", admin);

        Assert.Equal(new[] { "reader", extra }.Order(), RoleNames(await ValidTokenAsync(_server, admin, token)));
    }

    [Fact]
    public async Task A_renamed_project_and_user_show_in_the_next_validation()
    {
        var admin = await _server.AdminTokenAsync();
        var (userId, projectId, token) = await MemberAsync(_server, admin);
        await ValidTokenAsync(_server, admin, token);

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{projectId}", admin, """{"project": {"name": "renamed-project"}}""");
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{userId}", admin, """{"user": {"name": "renamed-user"}}""");

        var validated = await ValidTokenAsync(_server, admin, token);
        Assert.Equal("renamed-project", validated.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal("renamed-user", validated.GetProperty("user").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_new_or_disabled_endpoint_shows_in_the_next_catalog()
    {
        var admin = await _server.AdminTokenAsync();
        var before = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/catalog", admin);
        var type = Unique("type");
        var serviceId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", admin,
            JsonSerializer.Serialize(new { service = new { type, name = type } }))).GetProperty("service").GetProperty("id").GetString();
        var endpointId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", admin,
            JsonSerializer.Serialize(new { endpoint = new { service_id = serviceId, @interface = "public", url = "http://example.test/", region_id = "RegionOne" } })))
            .GetProperty("endpoint").GetProperty("id").GetString();

        var after = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/catalog", admin);
        Assert.Equal(before.GetProperty("catalog").GetArrayLength() + 1, after.GetProperty("catalog").GetArrayLength());
        Assert.Contains(after.GetProperty("catalog").EnumerateArray(), s => s.GetProperty("type").GetString() == type && s.GetProperty("endpoints").GetArrayLength() == 1);

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/endpoints/{endpointId}", admin, """{"endpoint": {"enabled": false}}""");
        var disabled = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/catalog", admin);
        Assert.Contains(disabled.GetProperty("catalog").EnumerateArray(), s => s.GetProperty("type").GetString() == type && s.GetProperty("endpoints").GetArrayLength() == 0);
    }

    /// <summary>Rescoping resolves the project and domain names through the cache: each API write shows in the next one.</summary>
    [Fact]
    public async Task A_renamed_or_disabled_project_shows_in_the_next_rescope()
    {
        var admin = await _server.AdminTokenAsync();
        var (name, projectName, projectId) = await NamedMemberAsync(_server, admin);
        var unscoped = await _server.TokenAsync(name, "Passw0rd!", null);
        Assert.Equal(HttpStatusCode.Created, await RescopeAsync(_server, unscoped, projectName));

        var renamed = Unique("p");
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{projectId}", admin, JsonSerializer.Serialize(new { project = new { name = renamed } }));
        Assert.Equal(HttpStatusCode.Unauthorized, await RescopeAsync(_server, unscoped, projectName));
        Assert.Equal(HttpStatusCode.Created, await RescopeAsync(_server, unscoped, renamed));

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{projectId}", admin, """{"project": {"enabled": false}}""");
        Assert.Equal(HttpStatusCode.Unauthorized, await RescopeAsync(_server, unscoped, renamed));
    }

    /// <summary>The name lookups are really cached: a rename that bypasses the API is not seen within cache_time.</summary>
    [Fact]
    public async Task A_rename_bypassing_the_api_is_not_seen_by_the_next_rescope()
    {
        var admin = await _server.AdminTokenAsync();
        var (name, projectName, projectId) = await NamedMemberAsync(_server, admin);
        var unscoped = await _server.TokenAsync(name, "Passw0rd!", null);
        Assert.Equal(HttpStatusCode.Created, await RescopeAsync(_server, unscoped, projectName));

        await RenameProjectInDatabaseAsync(_server, projectId, Unique("bypass"));

        Assert.Equal(HttpStatusCode.Created, await RescopeAsync(_server, unscoped, projectName));
    }

    /// <summary>GET /v3/projects is served from the cache: API writes show in the next list, a bypassing write does not.</summary>
    [Fact]
    public async Task Project_list_shows_api_writes_at_once_and_only_those()
    {
        var admin = await _server.AdminTokenAsync();
        async Task<string[]> NamesAsync() =>
            [.. (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/projects", admin)).GetProperty("projects").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString()!)];
        await NamesAsync();
        var name = Unique("p");
        var projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name } }))).GetProperty("project").GetProperty("id").GetString()!;
        Assert.Contains(name, await NamesAsync());

        var renamed = Unique("p");
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{projectId}", admin, JsonSerializer.Serialize(new { project = new { name = renamed } }));
        var afterRename = await NamesAsync();
        Assert.Contains(renamed, afterRename);
        Assert.DoesNotContain(name, afterRename);

        var bypass = Unique("bypass");
        await RenameProjectInDatabaseAsync(_server, projectId, bypass);
        Assert.DoesNotContain(bypass, await NamesAsync());

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{projectId}", admin, """{"project": {"enabled": false}}""");
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{projectId}", admin);
        var afterDelete = await NamesAsync();
        Assert.DoesNotContain(bypass, afterDelete);
        Assert.DoesNotContain(renamed, afterDelete);
    }

    private static async Task<(string Name, string ProjectName, string ProjectId)> NamedMemberAsync(IdentityServer server, string admin)
    {
        var name = Unique("u");
        var userId = (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!" } }))).GetProperty("user").GetProperty("id").GetString()!;
        var projectName = Unique("p");
        var projectId = (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = projectName } }))).GetProperty("project").GetProperty("id").GetString()!;
        var reader = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=reader", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
        await server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{reader}", admin);
        return (name, projectName, projectId);
    }

    /// <summary>POST /v3/auth/tokens with the token method, scoped to a project by name in the Default domain.</summary>
    private static async Task<HttpStatusCode> RescopeAsync(IdentityServer server, string token, string projectName)
    {
        var body = JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new { methods = new[] { "token" }, token = new { id = token } },
                scope = new { project = new { name = projectName, domain = new { name = "Default" } } },
            },
        });
        using var response = await server.SendAsync(HttpMethod.Post, "/v3/auth/tokens", token, body);
        return response.StatusCode;
    }

    /// <summary>A write by another process (here straight into the database) shows once [token] cache_time has passed.</summary>
    [Fact]
    public async Task Another_process_write_shows_after_cache_time()
    {
        await using var server = await IdentityServer.StartAsync("[token]\ncache_time = 1\n");
        var admin = await server.AdminTokenAsync();
        var (_, projectId, token) = await MemberAsync(server, admin);
        await ValidTokenAsync(server, admin, token);

        await RenameProjectInDatabaseAsync(server, projectId, "renamed-elsewhere");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? name;
        do
        {
            await Task.Delay(200);
            name = (await ValidTokenAsync(server, admin, token)).GetProperty("project").GetProperty("name").GetString();
        }
        while (name != "renamed-elsewhere" && DateTime.UtcNow < deadline);
        Assert.Equal("renamed-elsewhere", name);
    }

    /// <summary>The cache is really used: a write that bypasses the API is not seen within cache_time (30 s by default).</summary>
    [Fact]
    public async Task A_write_bypassing_the_api_is_not_seen_within_cache_time()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, projectId, token) = await MemberAsync(_server, admin);
        var name = (await ValidTokenAsync(_server, admin, token)).GetProperty("project").GetProperty("name").GetString();

        await RenameProjectInDatabaseAsync(_server, projectId, Unique("bypass"));

        Assert.Equal(name, (await ValidTokenAsync(_server, admin, token)).GetProperty("project").GetProperty("name").GetString());
    }

    [Fact]
    public async Task With_caching_off_every_validation_reads_the_database()
    {
        await using var server = await IdentityServer.StartAsync("[token]\ncaching = false\n");
        var admin = await server.AdminTokenAsync();
        var (_, projectId, token) = await MemberAsync(server, admin);
        await ValidTokenAsync(server, admin, token);

        await RenameProjectInDatabaseAsync(server, projectId, "renamed-uncached");

        Assert.Equal("renamed-uncached", (await ValidTokenAsync(server, admin, token)).GetProperty("project").GetProperty("name").GetString());
    }

    private static async Task RenameProjectInDatabaseAsync(IdentityServer server, string projectId, string name)
    {
        await using var db = server.Get<IdentityDatabase>().Open();
        Assert.Equal(1, await db.GetTable<ProjectRecord>().Where(p => p.Id == projectId).Set(p => p.Name, name).UpdateAsync());
    }
}
