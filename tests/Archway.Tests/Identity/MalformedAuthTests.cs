using System.Net;
using System.Text;
using Archway.Identity.Schema;
using Archway.Testing;
using LinqToDB;

namespace Archway.Tests.Identity;

/// <summary>Bad requests to POST /v3/auth/tokens get Keystone's 4xx, and nothing is written to the database.</summary>
public sealed class MalformedAuthTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    public static TheoryData<string, int, string> Bodies => new()
    {
        { "{not json", 400, "Expecting to find valid JSON in request body" },
        { "", 400, "Expecting to find valid JSON in request body" },
        { "[]", 400, "Expecting to find valid JSON in request body" },
        { "{}", 400, "Expecting to find auth in request body" },
        { """{"auth": {}}""", 400, "'identity' is a required property" },
        { """{"auth": {"identity": {}}}""", 400, "'methods' is a required property" },
        { """{"auth": {"identity": {"methods": "password"}}}""", 400, "Invalid input for field 'identity/methods': 'password' is not of type 'array'" },
        { """{"auth": {"identity": {"methods": [5]}}}""", 400, "Invalid input for field 'identity/methods/0'" },
        { """{"auth": {"identity": {"methods": ["password"]}}}""", 400, "Expecting to find password in identity" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"password": "x"}}}}}""", 400, "id or name must be present" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 7, "password": "x"}}}}}""", 400, "Invalid input for field 'identity/password/user/name': 7 is not of type 'string'" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "password": "x"}}}}}""", 400, "Expecting to find domain in user" },
        { """{"auth": {"identity": {"methods": ["kerberos"], "kerberos": {}}}}""", 401, "Attempted to authenticate with an unsupported method." },
        { """{"auth": {"identity": {"methods": ["token"], "token": {}}}}""", 400, "Invalid input for field 'identity/token': 'id' is a required property" },
        { """{"auth": {"identity": {"methods": ["token"], "token": {"id": "garbage"}}}}""", 404, "Failed to validate token" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "s3cret-Admin"}}}, "scope": {"project": {"name": "admin"}}}}""", 400, "Expecting to find domain in project" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "s3cret-Admin"}}}, "scope": {"project": {"id": "does-not-exist"}}}}""", 401, "Could not find project: does-not-exist." },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "s3cret-Admin"}}}, "scope": {"project": {"id": "x"}, "domain": {"id": "default"}}}}""", 400, "Expecting to find system, project, domain, OS-TRUST:trust or unscoped in scope" },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "관리자", "domain": {"name": "Default"}, "password": "비밀"}}}}}""", 401, "The request you have made requires authentication." },
        { """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Défault"}, "password": "s3cret-Admin"}}}}}""", 401, "The request you have made requires authentication." },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_bodies_get_keystone_errors_and_change_nothing(string body, int status, string message)
    {
        var before = await CountRowsAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Client.PostAsync("/v3/auth/tokens", content);
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await IdentityServer.JsonAsync(response)).GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task A_ten_megabyte_body_gets_413()
    {
        var before = await CountRowsAsync();
        var huge = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"pad\": \"" + new string('x', 10 * 1024 * 1024) + "\"}}}";
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");
        using var response = await _server.Client.PostAsync("/v3/auth/tokens", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, (await IdentityServer.JsonAsync(response)).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_too()
    {
        var huge = new string('x', 200 * 1024);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        content.Headers.ContentType = new("application/json");
        using var response = await _server.Client.PostAsync("/v3/auth/tokens", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_non_json_content_type_gets_400()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "text/plain");
        using var response = await _server.Client.PostAsync("/v3/auth/tokens", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Scoping_to_a_project_the_user_has_no_role_on_gets_401()
    {
        await using (var db = _server.Get<IdentityDatabase>().Open())
        {
            await db.InsertAsync(new Archway.Identity.Resources.ProjectRecord
            {
                Id = "f00dfeedf00dfeedf00dfeedf00dfeed",
                Name = "other",
                Enabled = true,
                DomainId = "default",
                ParentId = "default",
            });
        }
        var before = await CountRowsAsync();
        using var response = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword, project: "other");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = (await IdentityServer.JsonAsync(response)).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("has no access to project f00dfeedf00dfeedf00dfeedf00dfeed", message, StringComparison.Ordinal);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task Unknown_routes_get_a_keystone_404()
    {
        using var response = await _server.Client.GetAsync("/v3/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not Found", (await IdentityServer.JsonAsync(response)).GetProperty("error").GetProperty("title").GetString());
    }

    /// <summary>Row counts of every table, to show a failed request left the database as it was.</summary>
    private async Task<string> CountRowsAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        var counts = new List<string>();
        foreach (var table in new[] { "project", "user", "password", "role", "implied_role", "assignment", "system_assignment", "region", "service", "endpoint", "revocation_event" })
        {
            counts.Add(table + "=" + await db.CountRowsAsync(table));
        }
        return string.Join(",", counts);
    }
}
