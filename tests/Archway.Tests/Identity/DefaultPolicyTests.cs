using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>
/// Keystone 22's default policies per persona, as its CLI users meet them: a project admin, member and reader, and a
/// user with no role at all (who can only hold an unscoped token).
/// </summary>
public sealed class DefaultPolicyTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>, IAsyncLifetime
{
    private readonly IdentityServer _server = fixture.Server;
    private readonly Dictionary<string, (string Token, string UserId)> _personas = [];
    private string _projectId = "";
    private string _otherProjectId = "";

    public async Task InitializeAsync()
    {
        var admin = await _server.AdminTokenAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var projectName = "pp" + suffix;
        _projectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = projectName } }))).GetProperty("project").GetProperty("id").GetString()!;
        _otherProjectId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/projects", admin,
            JsonSerializer.Serialize(new { project = new { name = "other" + suffix } }))).GetProperty("project").GetProperty("id").GetString()!;
        foreach (var persona in new[] { "admin", "member", "reader", "none" })
        {
            var name = persona + suffix;
            var userId = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
                JsonSerializer.Serialize(new { user = new { name, password = "Passw0rd!" } }))).GetProperty("user").GetProperty("id").GetString()!;
            string token;
            if (persona == "none")
            {
                token = await _server.TokenAsync(name, "Passw0rd!", project: null);
            }
            else
            {
                var roleId = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/roles?name={persona}", admin)).GetProperty("roles")[0].GetProperty("id").GetString();
                await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{_projectId}/users/{userId}/roles/{roleId}", admin);
                token = await _server.TokenAsync(name, "Passw0rd!", projectName);
            }
            _personas[persona] = (token, userId);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string, string?, int> Cases => new()
    {
        // persona, method, path ({project}, {other}, {self} substituted), body, expected status
        { "admin", "GET", "/v3/projects", null, 200 },
        { "member", "GET", "/v3/projects", null, 403 },
        { "reader", "GET", "/v3/projects", null, 403 },
        { "none", "GET", "/v3/projects", null, 403 },
        { "admin", "GET", "/v3/projects/{project}", null, 200 },
        { "member", "GET", "/v3/projects/{project}", null, 200 },
        { "reader", "GET", "/v3/projects/{project}", null, 200 },
        { "member", "GET", "/v3/projects/{other}", null, 403 },
        { "none", "GET", "/v3/projects/{project}", null, 403 },
        { "admin", "POST", "/v3/projects", """{"project": {"name": "n-{unique}"}}""", 201 },
        { "member", "POST", "/v3/projects", """{"project": {"name": "n-{unique}"}}""", 403 },
        { "reader", "POST", "/v3/projects", """{"project": {"name": "n-{unique}"}}""", 403 },
        { "none", "POST", "/v3/projects", """{"project": {"name": "n-{unique}"}}""", 403 },
        { "admin", "GET", "/v3/users", null, 200 },
        { "member", "GET", "/v3/users", null, 403 },
        { "admin", "GET", "/v3/users/{self}", null, 200 },
        { "member", "GET", "/v3/users/{self}", null, 200 },
        { "reader", "GET", "/v3/users/{self}", null, 200 },
        { "none", "GET", "/v3/users/{self}", null, 200 },
        { "none", "GET", "/v3/users/{self}/projects", null, 200 },
        { "member", "GET", "/v3/users/{self}/projects", null, 200 },
        { "admin", "POST", "/v3/users", """{"user": {"name": "n-{unique}"}}""", 201 },
        { "member", "POST", "/v3/users", """{"user": {"name": "n-{unique}"}}""", 403 },
        { "reader", "POST", "/v3/users", """{"user": {"name": "n-{unique}"}}""", 403 },
        { "admin", "POST", "/v3/roles", """{"role": {"name": "n-{unique}"}}""", 201 },
        { "member", "POST", "/v3/roles", """{"role": {"name": "n-{unique}"}}""", 403 },
        { "admin", "POST", "/v3/domains", """{"domain": {"name": "n-{unique}"}}""", 201 },
        { "member", "POST", "/v3/domains", """{"domain": {"name": "n-{unique}"}}""", 403 },
        { "none", "POST", "/v3/domains", """{"domain": {"name": "n-{unique}"}}""", 403 },
        { "admin", "GET", "/v3/role_assignments", null, 200 },
        { "member", "GET", "/v3/role_assignments", null, 403 },
        { "none", "GET", "/v3/auth/projects", null, 200 },
        { "reader", "GET", "/v3/auth/catalog", null, 200 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Defaults_allow_and_deny_as_keystone(string persona, string method, string path, string? body, int status)
    {
        var (token, userId) = _personas[persona];
        var unique = Guid.NewGuid().ToString("N")[..8];
        path = path.Replace("{project}", _projectId, StringComparison.Ordinal)
            .Replace("{other}", _otherProjectId, StringComparison.Ordinal)
            .Replace("{self}", userId, StringComparison.Ordinal);
        using var response = await _server.SendAsync(new HttpMethod(method), path, token, body?.Replace("{unique}", unique, StringComparison.Ordinal));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{persona} {method} {path}: expected {status}, got {(int)response.StatusCode}: {text}");
        if (status == 403)
        {
            Assert.StartsWith("You are not authorized to perform the requested action", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
