using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>
/// Every state change that Keystone turns into a revocation event ends the affected tokens at once, while
/// unaffected tokens keep working. Each test waits past the second of issue: Keystone's events cover tokens
/// issued up to and including the event's second.
/// </summary>
public sealed class RevocationTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private sealed record Member(string Name, string Id, string ProjectName, string ProjectId, string RoleId, string Token);

    /// <summary>A user with a role on their own project, a token for it, and a second, unaffected user's token.</summary>
    private async Task<(Member Member, string Bystander)> SetUpAsync(string admin)
    {
        var member = await CreateMemberAsync(admin);
        var bystander = await CreateMemberAsync(admin);
        return (member, bystander.Token);
    }

    private async Task<Member> CreateMemberAsync(string admin)
    {
        var name = Unique("u");
        var userId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!" } }))).GetProperty("user").GetProperty("id").GetString()!;
        var projectName = Unique("p");
        var projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = projectName } }))).GetProperty("project").GetProperty("id").GetString()!;
        var roleId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/roles", admin,
            JsonSerializer.Serialize(new { role = new { name = Unique("r") } }))).GetProperty("role").GetProperty("id").GetString()!;
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{roleId}", admin);
        var token = await _server.TokenAsync(name, "Passw0rd!", projectName);
        return new Member(name, userId, projectName, projectId, roleId, token);
    }

    private async Task AssertValidAsync(string admin, string token, bool valid)
    {
        using var response = await _server.ValidateAsync(admin, token);
        Assert.Equal(valid ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>Runs a state change, then checks the member's token died and the bystander's did not.</summary>
    private async Task RevokesAsync(Func<string, Member, Task> change)
    {
        var admin = await _server.AdminTokenAsync();
        var (member, bystander) = await SetUpAsync(admin);
        await AssertValidAsync(admin, member.Token, true);
        await change(admin, member);
        admin = await _server.AdminTokenAsync();
        await AssertValidAsync(admin, member.Token, false);
        await AssertValidAsync(admin, bystander, true);
    }

    [Fact]
    public Task Disabling_the_user() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{m.Id}", admin, """{"user": {"enabled": false}}"""));

    [Fact]
    public Task Deleting_the_user() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/users/{m.Id}", admin));

    [Fact]
    public Task Disabling_the_project() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/projects/{m.ProjectId}", admin, """{"project": {"enabled": false}}"""));

    [Fact]
    public Task Deleting_the_project() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{m.ProjectId}", admin));

    [Fact]
    public Task Removing_the_role_assignment() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{m.ProjectId}/users/{m.Id}/roles/{m.RoleId}", admin));

    [Fact]
    public Task Deleting_the_role() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/roles/{m.RoleId}", admin));

    [Fact]
    public Task Changing_the_password_as_admin() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{m.Id}", admin, """{"user": {"password": "N3w-Passw0rd!"}}"""));

    [Fact]
    public Task Changing_the_password_as_the_user() => RevokesAsync((admin, m) =>
        _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"/v3/users/{m.Id}/password", m.Token,
            """{"user": {"original_password": "Passw0rd!", "password": "N3w-Passw0rd!"}}"""));

    [Fact]
    public async Task Disabling_the_domain()
    {
        var admin = await _server.AdminTokenAsync();
        var domainName = Unique("d");
        var domainId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/domains", admin,
            JsonSerializer.Serialize(new { domain = new { name = domainName } }))).GetProperty("domain").GetProperty("id").GetString()!;
        var name = Unique("u");
        var userId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!", domain_id = domainId } }))).GetProperty("user").GetProperty("id").GetString()!;
        var projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = "p", domain_id = domainId } }))).GetProperty("project").GetProperty("id").GetString()!;
        var memberRole = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=member", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{memberRole}", admin);
        using var auth = await _server.Client.PostAsync("/v3/auth/tokens", new StringContent(JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name, domain = new { id = domainId }, password = "Passw0rd!" } } },
                scope = new { project = new { id = projectId } },
            },
        }), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, auth.StatusCode);
        var token = auth.Headers.GetValues("X-Subject-Token").Single();
        var bystander = (await SetUpAsync(admin)).Member.Token;

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/domains/{domainId}", admin, """{"domain": {"enabled": false}}""");
        await AssertValidAsync(admin, token, false);
        await AssertValidAsync(admin, bystander, true);
    }

    [Fact]
    public async Task Removing_the_user_from_a_group_that_carried_the_role()
    {
        var admin = await _server.AdminTokenAsync();
        var name = Unique("u");
        var userId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!" } }))).GetProperty("user").GetProperty("id").GetString()!;
        var groupId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/groups", admin,
            JsonSerializer.Serialize(new { group = new { name = Unique("g") } }))).GetProperty("group").GetProperty("id").GetString()!;
        var projectName = Unique("p");
        var projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = projectName } }))).GetProperty("project").GetProperty("id").GetString()!;
        var memberRole = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=member", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/groups/{groupId}/users/{userId}", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/groups/{groupId}/roles/{memberRole}", admin);
        var token = await _server.TokenAsync(name, "Passw0rd!", projectName);
        var bystander = (await SetUpAsync(admin)).Member.Token;
        await AssertValidAsync(admin, token, true);

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/groups/{groupId}/users/{userId}", admin);
        await AssertValidAsync(admin, token, false);
        await AssertValidAsync(admin, bystander, true);
        using var again = await _server.PasswordAuthAsync(name, "Passw0rd!", projectName);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }
}
