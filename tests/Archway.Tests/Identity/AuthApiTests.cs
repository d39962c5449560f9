using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Identity;

public sealed class AuthApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task Root_answers_300_with_the_v3_version_and_a_location()
    {
        using var response = await _server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.MultipleChoices, response.StatusCode);
        Assert.Equal("http://localhost/v3/", response.Headers.Location?.ToString());
        var body = await IdentityServer.JsonAsync(response);
        var version = body.GetProperty("versions").GetProperty("values")[0];
        Assert.Equal("v3.14", version.GetProperty("id").GetString());
        Assert.Equal("stable", version.GetProperty("status").GetString());
    }

    [Fact]
    public async Task V3_answers_its_version_document()
    {
        using var response = await _server.Client.GetAsync("/v3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await IdentityServer.JsonAsync(response);
        Assert.Equal("http://localhost/v3/", body.GetProperty("version").GetProperty("links")[0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task Password_auth_issues_a_project_scoped_token_with_roles_and_catalog()
    {
        using var response = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var tokenId = response.Headers.GetValues("X-Subject-Token").Single();
        Assert.StartsWith("gAAAAA", tokenId, StringComparison.Ordinal);
        var token = (await IdentityServer.JsonAsync(response)).GetProperty("token");
        Assert.Equal(["password"], token.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("admin", token.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("default", token.GetProperty("user").GetProperty("domain").GetProperty("id").GetString());
        Assert.Equal("admin", token.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal("Default", token.GetProperty("project").GetProperty("domain").GetProperty("name").GetString());
        Assert.False(token.GetProperty("is_domain").GetBoolean());
        var roles = token.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["admin", "member", "reader"], roles);
        var expires = DateTimeOffset.Parse(token.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$", token.GetProperty("issued_at").GetString()!);
        Assert.Equal(22, token.GetProperty("audit_ids")[0].GetString()!.Length);
        var identity = token.GetProperty("catalog").EnumerateArray().Single(s => s.GetProperty("type").GetString() == "identity");
        Assert.Equal("keystone", identity.GetProperty("name").GetString());
        Assert.Equal(["admin", "internal", "public"],
            identity.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("interface").GetString()).Order());
        Assert.All(identity.GetProperty("endpoints").EnumerateArray(), e => Assert.Equal("RegionOne", e.GetProperty("region").GetString()));
    }

    [Fact]
    public async Task Password_auth_by_user_id_and_domain_id_works()
    {
        var admin = await AdminUserIdAsync();
        var body = new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { id = admin, password = IdentityServer.AdminPassword } } },
                scope = new { project = new { name = "admin", domain = new { id = "default" } } },
            },
        };
        using var response = await _server.Client.PostAsJsonAsync("/v3/auth/tokens", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Nocatalog_leaves_the_catalog_out_and_unscoped_tokens_have_none()
    {
        var body = IdentityServer.PasswordBody("admin", IdentityServer.AdminPassword, "admin");
        using var nocatalog = await _server.Client.PostAsJsonAsync("/v3/auth/tokens?nocatalog", body);
        Assert.Equal(HttpStatusCode.Created, nocatalog.StatusCode);
        Assert.False((await IdentityServer.JsonAsync(nocatalog)).GetProperty("token").TryGetProperty("catalog", out _));

        using var unscoped = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword, project: null);
        Assert.Equal(HttpStatusCode.Created, unscoped.StatusCode);
        var token = (await IdentityServer.JsonAsync(unscoped)).GetProperty("token");
        Assert.False(token.TryGetProperty("catalog", out _));
        Assert.False(token.TryGetProperty("project", out _));
        Assert.False(token.TryGetProperty("roles", out _));
    }

    [Fact]
    public async Task Domain_and_system_scopes_carry_their_roles()
    {
        using var system = await _server.Client.PostAsJsonAsync("/v3/auth/tokens", new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = "admin", domain = new { id = "default" }, password = IdentityServer.AdminPassword } } },
                scope = new { system = new { all = true } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, system.StatusCode);
        var token = (await IdentityServer.JsonAsync(system)).GetProperty("token");
        Assert.True(token.GetProperty("system").GetProperty("all").GetBoolean());
        Assert.Contains("admin", token.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        // The bootstrap admin has no role on the Default domain itself: Keystone refuses the domain scope with 401.
        using var domain = await _server.Client.PostAsJsonAsync("/v3/auth/tokens", new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = "admin", domain = new { id = "default" }, password = IdentityServer.AdminPassword } } },
                scope = new { domain = new { id = "default" } },
            },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, domain.StatusCode);
    }

    [Theory]
    [InlineData("admin", "wrong-password")]
    [InlineData("nobody", "wrong-password")]
    [InlineData("nobody", IdentityServer.AdminPassword)]
    public async Task Bad_credentials_get_the_same_401_whether_or_not_the_user_exists(string user, string password)
    {
        using var response = await _server.PasswordAuthAsync(user, password);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await IdentityServer.JsonAsync(response)).GetProperty("error");
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.Equal("Unauthorized", error.GetProperty("title").GetString());
        Assert.Equal("The request you have made requires authentication.", error.GetProperty("message").GetString());
        Assert.Equal("Keystone uri=\"http://localhost\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Validate_returns_the_token_and_head_returns_no_body()
    {
        var token = await _server.AdminTokenAsync();
        using var get = await _server.ValidateAsync(token, token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(token, get.Headers.GetValues("X-Subject-Token").Single());
        Assert.Equal("admin", (await IdentityServer.JsonAsync(get)).GetProperty("token").GetProperty("user").GetProperty("name").GetString());

        using var head = new HttpRequestMessage(HttpMethod.Head, "/v3/auth/tokens");
        head.Headers.Add("X-Auth-Token", token);
        head.Headers.Add("X-Subject-Token", token);
        using var headResponse = await _server.Client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.Empty(await headResponse.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Validating_garbage_or_without_a_caller_token_fails()
    {
        var token = await _server.AdminTokenAsync();
        using var garbage = await _server.ValidateAsync(token, "gAAAAABnot-a-token");
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
        using var tampered = await _server.ValidateAsync(token, token[..^2] + (token[^2] == 'A' ? "BA" : "AA"));
        Assert.Equal(HttpStatusCode.NotFound, tampered.StatusCode);
        using var noCaller = await _server.ValidateAsync("bogus", token);
        Assert.Equal(HttpStatusCode.Unauthorized, noCaller.StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_fails_validation_everywhere_and_others_keep_working()
    {
        var revoked = await _server.AdminTokenAsync();
        var other = await _server.AdminTokenAsync();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/v3/auth/tokens");
        delete.Headers.Add("X-Auth-Token", other);
        delete.Headers.Add("X-Subject-Token", revoked);
        using var deleted = await _server.Client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var validate = await _server.ValidateAsync(other, revoked);
        Assert.Equal(HttpStatusCode.NotFound, validate.StatusCode);
        using var asCaller = await _server.ValidateAsync(revoked, other);
        Assert.Equal(HttpStatusCode.Unauthorized, asCaller.StatusCode);
        using var stillGood = await _server.ValidateAsync(other, other);
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);

        // Revocations are stored: a second process (or a restart) sees them too.
        await using var db = _server.Get<IdentityDatabase>().Open();
        Assert.Equal(1, await db.GetTable<Archway.Identity.Tokens.RevocationEventRecord>().CountAsync());
    }

    [Fact]
    public async Task Token_method_rescopes_keeping_expiry_and_audit_chain()
    {
        using var unscopedResponse = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword, project: null);
        var unscopedId = unscopedResponse.Headers.GetValues("X-Subject-Token").Single();
        var unscoped = (await IdentityServer.JsonAsync(unscopedResponse)).GetProperty("token");

        using var rescoped = await _server.Client.PostAsJsonAsync("/v3/auth/tokens", new
        {
            auth = new
            {
                identity = new { methods = new[] { "token" }, token = new { id = unscopedId } },
                scope = new { project = new { name = "admin", domain = new { name = "Default" } } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, rescoped.StatusCode);
        var token = (await IdentityServer.JsonAsync(rescoped)).GetProperty("token");
        Assert.Equal(unscoped.GetProperty("expires_at").GetString(), token.GetProperty("expires_at").GetString());
        // Keystone lists decoded methods by descending bit: token (4) before password (2).
        Assert.Equal(["token", "password"], token.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        var audit = token.GetProperty("audit_ids").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal(unscoped.GetProperty("audit_ids")[0].GetString(), audit[1]);
        Assert.Equal("admin", token.GetProperty("project").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Auth_catalog_projects_domains_and_system_answer_for_the_caller()
    {
        var token = await _server.AdminTokenAsync();
        async Task<JsonElement> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Auth-Token", token);
            using var response = await _server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await IdentityServer.JsonAsync(response);
        }
        var catalog = await GetAsync("/v3/auth/catalog");
        Assert.Contains("identity", catalog.GetProperty("catalog").EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        var projects = await GetAsync("/v3/auth/projects");
        Assert.Equal(["admin"], projects.GetProperty("projects").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var domains = await GetAsync("/v3/auth/domains");
        Assert.Empty(domains.GetProperty("domains").EnumerateArray());
        var system = await GetAsync("/v3/auth/system");
        Assert.True(system.GetProperty("system")[0].GetProperty("all").GetBoolean());
    }

    private async Task<string> AdminUserIdAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return (await db.GetTable<Archway.Identity.Users.UserRecord>().SingleAsync(u => u.Name == "admin")).Id;
    }
}
