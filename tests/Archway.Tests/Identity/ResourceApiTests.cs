using System.Net;
using System.Text.Json;
using Archway.Identity.Schema;
using Archway.Testing;
using LinqToDB;

namespace Archway.Tests.Identity;

/// <summary>Domains, projects, users, groups and roles through the API, with Keystone's shapes and errors.</summary>
public sealed class ResourceApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Domain_lifecycle_and_its_rules()
    {
        var admin = await _server.AdminTokenAsync();
        var name = Unique("dom");
        var created = await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/domains", admin,
            $$$"""{"domain": {"name": "{{{name}}}", "description": "An Example Domain"}}""");
        var domain = created.GetProperty("domain");
        var id = domain.GetProperty("id").GetString()!;
        Assert.Equal("An Example Domain", domain.GetProperty("description").GetString());
        Assert.True(domain.GetProperty("enabled").GetBoolean());
        Assert.Equal($"http://localhost/v3/domains/{id}", domain.GetProperty("links").GetProperty("self").GetString());

        var duplicate = await _server.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/v3/domains", admin, $$$"""{"domain": {"name": "{{{name}}}"}}""");
        Assert.Equal(409, duplicate.GetProperty("error").GetProperty("code").GetInt32());

        var listed = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/domains?name={name}", admin);
        Assert.Equal(id, listed.GetProperty("domains").EnumerateArray().Single().GetProperty("id").GetString());

        var refused = await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"/v3/domains/{id}", admin);
        Assert.Contains("Cannot delete a domain that is enabled", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/domains/{id}", admin, """{"domain": {"enabled": false}}""");
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/domains/{id}", admin);
        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/domains/{id}", admin);
    }

    [Theory]
    [InlineData("""{"project": {}}""", "'name' is a required property")]
    [InlineData("""{"project": {"name": ""}}""", "Invalid input for field 'name': '' is too short")]
    [InlineData("""{"project": {"name": "x", "enabled": "yes"}}""", "Invalid input for field 'enabled': 'yes' is not of type 'boolean'")]
    [InlineData("""{"project": {"name": "x", "domain_id": "not/an/id"}}""", "Invalid input for field 'domain_id': 'not/an/id' does not match")]
    [InlineData("""{"project": {"name": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}""", "is too long")]
    [InlineData("""{"project": "x"}""", "'x' is not of type 'object'")]
    public async Task Invalid_project_bodies_get_400_and_write_nothing(string body, string message)
    {
        var admin = await _server.AdminTokenAsync();
        var before = await CountAsync("project");
        var error = await _server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/v3/projects", admin, body);
        Assert.Contains(message, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync("project"));
    }

    [Fact]
    public async Task Project_hierarchy_parents_subtree_and_leaf_only_delete()
    {
        var admin = await _server.AdminTokenAsync();
        var parent = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            $$$"""{"project": {"name": "{{{Unique("p")}}}", "domain_id": "default", "tags": []}}""")).GetProperty("project");
        var parentId = parent.GetProperty("id").GetString();
        Assert.Equal("default", parent.GetProperty("parent_id").GetString());
        var child = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            $$$"""{"project": {"name": "{{{Unique("c")}}}", "parent_id": "{{{parentId}}}"}}""")).GetProperty("project");
        var childId = child.GetProperty("id").GetString();

        var withParents = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/projects/{childId}?parents_as_list", admin);
        Assert.Equal(parentId, withParents.GetProperty("project").GetProperty("parents")[0].GetProperty("project").GetProperty("id").GetString());
        var withSubtree = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/projects/{parentId}?subtree_as_list", admin);
        Assert.Equal(childId, withSubtree.GetProperty("project").GetProperty("subtree")[0].GetProperty("project").GetProperty("id").GetString());

        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"/v3/projects/{parentId}", admin);
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"/v3/projects/{childId}", admin, """{"project": {"parent_id": "default"}}""");
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{childId}", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{parentId}", admin);
    }

    [Fact]
    public async Task Duplicate_names_and_unknown_ids()
    {
        var admin = await _server.AdminTokenAsync();
        var name = Unique("dup");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin, $$$"""{"project": {"name": "{{{name}}}"}}""");
        await _server.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/v3/projects", admin, $$$"""{"project": {"name": "{{{name}}}"}}""");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin, $$$"""{"user": {"name": "{{{name}}}"}}""");
        var conflict = await _server.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/v3/users", admin, $$$"""{"user": {"name": "{{{name}}}"}}""");
        Assert.Equal($"Conflict occurred attempting to store user - Duplicate entry found with name {name} at domain ID default.",
            conflict.GetProperty("error").GetProperty("message").GetString());
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/roles", admin, $$$"""{"role": {"name": "{{{name}}}"}}""");
        await _server.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, "/v3/roles", admin, $$$"""{"role": {"name": "{{{name}}}"}}""");

        foreach (var path in new[] { "/v3/projects/nope", "/v3/users/nope", "/v3/roles/nope", "/v3/groups/nope", "/v3/domains/nope" })
        {
            var error = await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, path, admin);
            Assert.StartsWith("Could not find", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_role_may_not_imply_itself_or_close_a_cycle()
    {
        var admin = await _server.AdminTokenAsync();
        var a = await CreateRoleAsync(admin, Unique("ra"));
        var b = await CreateRoleAsync(admin, Unique("rb"));
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"/v3/roles/{a}/implies/{a}", admin);
        var inference = await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/roles/{a}/implies/{b}", admin);
        Assert.Equal(b, inference.GetProperty("role_inference").GetProperty("implies").GetProperty("id").GetString());
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"/v3/roles/{b}/implies/{a}", admin);
        var rules = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/role_inferences", admin);
        Assert.Contains(rules.GetProperty("role_inferences").EnumerateArray(), r => r.GetProperty("prior_role").GetProperty("id").GetString() == a);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/roles/{a}/implies/{b}", admin);
        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Head, $"/v3/roles/{a}/implies/{b}", admin);
    }

    [Fact]
    public async Task Immutable_roles_refuse_updates_and_deletes()
    {
        var admin = await _server.AdminTokenAsync();
        var reader = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=reader", admin)).GetProperty("roles")[0];
        Assert.True(reader.GetProperty("options").GetProperty("immutable").GetBoolean());
        var id = reader.GetProperty("id").GetString();
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"/v3/roles/{id}", admin);
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"/v3/roles/{id}", admin, """{"role": {"description": "x"}}""");
    }

    [Fact]
    public async Task A_granted_role_scopes_a_token_and_shows_in_role_assignments()
    {
        var admin = await _server.AdminTokenAsync();
        var (userName, userId) = await CreateUserAsync(admin, "Passw0rd!");
        var projectName = Unique("proj");
        var projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin, $$$"""{"project": {"name": "{{{projectName}}}"}}""")).GetProperty("project").GetProperty("id").GetString();
        var roleId = await CreateRoleAsync(admin, Unique("role"));

        using (var denied = await _server.PasswordAuthAsync(userName, "Passw0rd!", projectName))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{roleId}", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Head, $"/v3/projects/{projectId}/users/{userId}/roles/{roleId}", admin);
        var token = await _server.TokenAsync(userName, "Passw0rd!", projectName);
        Assert.Equal(HttpStatusCode.OK, (await _server.ValidateAsync(admin, token)).StatusCode);

        var assignments = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/role_assignments?user.id={userId}&include_names", admin);
        var assignment = assignments.GetProperty("role_assignments").EnumerateArray().Single();
        Assert.Equal(projectName, assignment.GetProperty("scope").GetProperty("project").GetProperty("name").GetString());
        Assert.Equal(userName, assignment.GetProperty("user").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Effective_role_assignments_expand_groups_inheritance_and_implied_roles()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, userId) = await CreateUserAsync(admin, "Passw0rd!");
        var groupId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/groups", admin, $$$"""{"group": {"name": "{{{Unique("g")}}}"}}""")).GetProperty("group").GetProperty("id").GetString();
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/groups/{groupId}/users/{userId}", admin);
        var parentId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin, $$$"""{"project": {"name": "{{{Unique("p")}}}"}}""")).GetProperty("project").GetProperty("id").GetString();
        var childId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin, $$$"""{"project": {"name": "{{{Unique("c")}}}", "parent_id": "{{{parentId}}}"}}""")).GetProperty("project").GetProperty("id").GetString();
        var prior = await CreateRoleAsync(admin, Unique("prior"));
        var implied = await CreateRoleAsync(admin, Unique("implied"));
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/roles/{prior}/implies/{implied}", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/OS-INHERIT/projects/{parentId}/groups/{groupId}/roles/{prior}/inherited_to_projects", admin);

        var effective = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/role_assignments?user.id={userId}&effective", admin);
        var entries = effective.GetProperty("role_assignments").EnumerateArray()
            .Select(e => (Role: e.GetProperty("role").GetProperty("id").GetString(), Project: e.GetProperty("scope").GetProperty("project").GetProperty("id").GetString()))
            .ToHashSet();
        Assert.Equal([(prior, childId), (implied, childId)], entries);

        var direct = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/role_assignments?group.id={groupId}", admin);
        Assert.Equal("projects", direct.GetProperty("role_assignments")[0].GetProperty("scope").GetProperty("OS-INHERIT:inherited_to").GetString());
    }

    private async Task<string> CreateRoleAsync(string admin, string name) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/roles", admin, $$$"""{"role": {"name": "{{{name}}}"}}""")).GetProperty("role").GetProperty("id").GetString()!;

    private async Task<(string Name, string Id)> CreateUserAsync(string admin, string password)
    {
        var name = Unique("u");
        var user = await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password, domain_id = "default" } }));
        return (name, user.GetProperty("user").GetProperty("id").GetString()!);
    }

    private async Task<long> CountAsync(string table)
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return await db.CountRowsAsync(table);
    }
}
