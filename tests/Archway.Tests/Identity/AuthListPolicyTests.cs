using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>
/// /v3/auth/{catalog,projects,domains,system} go through the policy engine: Keystone's default rule is empty, but an
/// operator's policy file can restrict them.
/// </summary>
public sealed class AuthListPolicyTests
{
    [Fact]
    public async Task An_operators_policy_file_restricts_the_auth_lists()
    {
        var policy = Path.Combine(Path.GetTempPath(), "archway-policy-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(policy, """
            "identity:get_auth_projects": "role:admin"
            "identity:get_auth_system": "!"
            """);
        try
        {
            await using var server = await IdentityServer.StartAsync($"[oslo_policy]\npolicy_file = {policy}\n");
            var admin = await server.AdminTokenAsync();
            var name = "u" + Guid.NewGuid().ToString("N")[..8];
            var userId = (await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
                JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!" } }))).GetProperty("user").GetProperty("id").GetString();
            var projectId = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/projects?name=admin", admin)).GetProperty("projects")[0].GetProperty("id").GetString();
            var reader = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/roles?name=reader", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
            await server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{reader}", admin);
            var member = await server.TokenAsync(name, "Passw0rd!", "admin");

            await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/projects", admin);
            var refused = await server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, "/v3/auth/projects", member);
            Assert.Equal(403, refused.GetProperty("error").GetProperty("code").GetInt32());
            await server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, "/v3/auth/system", admin);
            // Rules the file leaves alone keep Keystone's empty default.
            await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/domains", member);
            await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/catalog", member);
        }
        finally
        {
            File.Delete(policy);
        }
    }
}
