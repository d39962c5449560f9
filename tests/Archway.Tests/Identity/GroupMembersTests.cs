using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>GET /v3/groups/{group_id}/users as Keystone answers it.</summary>
public sealed class GroupMembersTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> CreateAsync(string admin, string collection, string member, object entity) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"/v3/{collection}", admin,
            JsonSerializer.Serialize(new Dictionary<string, object> { [member] = entity }))).GetProperty(member).GetProperty("id").GetString()!;

    private async Task<string[]> MemberNamesAsync(string token, string groupId, string query = "") =>
        [.. (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/groups/{groupId}/users{query}", token)).GetProperty("users")
            .EnumerateArray().Select(u => u.GetProperty("name").GetString()!).Order()];

    [Fact]
    public async Task A_domain_scoped_reader_sees_only_its_own_domains_members_and_filters_apply()
    {
        var admin = await _server.AdminTokenAsync();
        var otherDomain = await CreateAsync(admin, "domains", "domain", new { name = Unique("d") });
        var local = Unique("local");
        var localId = await CreateAsync(admin, "users", "user", new { name = local, domain_id = "default" });
        var foreign = Unique("foreign");
        var foreignId = await CreateAsync(admin, "users", "user", new { name = foreign, domain_id = otherDomain });
        var groupId = await CreateAsync(admin, "groups", "group", new { name = Unique("g"), domain_id = "default" });
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/groups/{groupId}/users/{localId}", admin);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/groups/{groupId}/users/{foreignId}", admin);

        var reader = Unique("reader");
        var readerId = await CreateAsync(admin, "users", "user", new { name = reader, domain_id = "default", password = "Passw0rd!" });
        var readerRole = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=reader", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/domains/default/users/{readerId}/roles/{readerRole}", admin);
        var body = JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = reader, domain = new { id = "default" }, password = "Passw0rd!" } } },
                scope = new { domain = new { id = "default" } },
            },
        });
        using var issued = await _server.Client.PostAsync("/v3/auth/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var domainToken = issued.Headers.GetValues("X-Subject-Token").Single();

        Assert.Equal(new[] { foreign, local }.Order(), await MemberNamesAsync(admin, groupId));
        Assert.Equal([local], await MemberNamesAsync(domainToken, groupId));
        Assert.Equal([foreign], await MemberNamesAsync(admin, groupId, $"?domain_id={otherDomain}"));
        Assert.Equal([local], await MemberNamesAsync(admin, groupId, $"?name={local}"));
    }
}
