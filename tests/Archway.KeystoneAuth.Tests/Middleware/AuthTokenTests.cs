using System.Net;
using System.Text.Json;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests.Middleware;

/// <summary>The request path against the real Identity: what passes, what is turned away, and what the application sees.</summary>
public sealed class AuthTokenTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly IdentityHost _identity = fixture.Identity;

    [Fact]
    public async Task A_valid_token_reaches_the_app_with_keystonemiddlewares_headers()
    {
        var (token, data) = await _identity.IssueAsync("demo", IdentityHost.DemoPassword, "demo");
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        var seen = await api.WhoAmIAsync(token);

        var user = data.GetProperty("user");
        var project = data.GetProperty("project");
        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Equal(user.GetProperty("id").GetString(), seen.Header("X-User-Id"));
        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal("default", seen.Header("X-User-Domain-Id"));
        Assert.Equal("Default", seen.Header("X-User-Domain-Name"));
        Assert.Equal(project.GetProperty("id").GetString(), seen.Header("X-Project-Id"));
        Assert.Equal("demo", seen.Header("X-Project-Name"));
        Assert.Equal("default", seen.Header("X-Project-Domain-Id"));
        Assert.Equal("Default", seen.Header("X-Project-Domain-Name"));
        var roles = data.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(string.Join(',', roles), seen.Header("X-Roles"));
        Assert.Equal(["member", "observer", "reader"], seen.Header("X-Roles")!.Split(',').Order());
        Assert.Equal("True", seen.Header("X-Is-Admin-Project"));
        Assert.Null(seen.Header("X-Domain-Id"));
        Assert.Null(seen.Header("OpenStack-System-Scope"));
        Assert.Null(seen.Header("X-Service-Identity-Status"));
        // keystonemiddleware's deprecated copies.
        Assert.Equal(seen.Header("X-Roles"), seen.Header("X-Role"));
        Assert.Equal("demo", seen.Header("X-User"));
        Assert.Equal(seen.Header("X-Project-Id"), seen.Header("X-Tenant-Id"));
        Assert.Equal("demo", seen.Header("X-Tenant-Name"));

        // X-Service-Catalog is the v2 shape of the token's catalog.
        using var catalog = JsonDocument.Parse(seen.Header("X-Service-Catalog")!);
        var identity = catalog.RootElement.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "identity");
        Assert.Equal("keystone", identity.GetProperty("name").GetString());
        var endpoints = identity.GetProperty("endpoints").EnumerateArray().Single();
        Assert.Equal("RegionOne", endpoints.GetProperty("region").GetString());
        Assert.Equal("http://localhost/v3/", endpoints.GetProperty("publicURL").GetString());
        Assert.Equal("http://localhost/v3/", endpoints.GetProperty("internalURL").GetString());
        Assert.Equal("http://localhost/v3/", endpoints.GetProperty("adminURL").GetString());
    }

    [Fact]
    public async Task A_valid_token_gives_the_app_a_principal_and_the_feature()
    {
        var (token, data) = await _identity.IssueAsync("demo", IdentityHost.DemoPassword, "demo");
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        var seen = await api.WhoAmIAsync(token);

        Assert.True(seen.Authenticated);
        Assert.Equal("demo", seen.Name);
        Assert.Equal(data.GetProperty("user").GetProperty("id").GetString(), seen.Claim(KeystoneClaimTypes.UserId));
        Assert.Equal("default", seen.Claim(KeystoneClaimTypes.UserDomainId));
        Assert.Equal(data.GetProperty("project").GetProperty("id").GetString(), seen.Claim(KeystoneClaimTypes.ProjectId));
        Assert.Equal("demo", seen.Claim(KeystoneClaimTypes.ProjectName));
        Assert.Equal("Default", seen.Claim(KeystoneClaimTypes.ProjectDomainName));
        Assert.Equal(["member", "observer", "reader"], seen.ClaimValues(KeystoneClaimTypes.Role).Order());
        Assert.Equal("True", seen.Claim(KeystoneClaimTypes.IsAdminProject));
        Assert.Null(seen.Claim(KeystoneClaimTypes.SystemScope));
        Assert.Equal(seen.Header("X-Service-Catalog"), seen.Claim(KeystoneClaimTypes.ServiceCatalog));
        Assert.Equal("Confirmed", seen.FeatureStatus);
        Assert.Equal(seen.Header("X-User-Id"), seen.FeatureUserId);
        Assert.True(seen.CatalogServices > 0);
        Assert.Null(seen.FeatureServiceStatus);
    }

    [Fact]
    public async Task Without_include_service_catalog_there_is_no_catalog_header_and_validation_asks_for_none()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { IncludeServiceCatalog = false }, _identity);

        var seen = await api.WhoAmIAsync(token);

        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Null(seen.Header("X-Service-Catalog"));
        Assert.Null(seen.Claim(KeystoneClaimTypes.ServiceCatalog));
        Assert.Equal(-1, seen.CatalogServices);
    }

    [Fact]
    public async Task A_system_scoped_token_sets_openstack_system_scope()
    {
        using var response = await _identity.Client.PostAsync("/v3/auth/tokens", new StringContent(
            """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"system": {"all": true}}}}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = response.Headers.GetValues("X-Subject-Token").Single();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        var seen = await api.WhoAmIAsync(token);

        Assert.Equal("all", seen.Header("OpenStack-System-Scope"));
        Assert.Equal("all", seen.Claim(KeystoneClaimTypes.SystemScope));
        Assert.Null(seen.Header("X-Project-Id"));
    }

    [Fact]
    public async Task No_token_gets_401_with_www_authenticate_and_keystonemiddlewares_body()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        using var response = await api.GetAsync("/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Keystone uri=\"{ProtectedApi.PublicIdentityUrl}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.Equal("Unauthorized", error.GetProperty("title").GetString());
        Assert.Equal("The request you have made requires authentication.", error.GetProperty("message").GetString());
        Assert.Equal(0, api.AppCalls);
    }

    [Theory]
    [InlineData("gAAAAABnot-a-real-token")]
    [InlineData("not a token")]
    public async Task A_bad_token_gets_401_with_www_authenticate(string token)
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        using var response = await api.GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Keystone uri=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, api.AppCalls);
    }

    [Fact]
    public async Task The_x_storage_token_header_is_read_when_there_is_no_x_auth_token()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);

        var seen = await api.WhoAmIAsync(headers: ("X-Storage-Token", token));

        Assert.Equal("demo", seen.Header("X-User-Name"));
    }

    [Fact]
    public async Task With_delay_auth_decision_the_app_sees_invalid_requests_marked_invalid()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { DelayAuthDecision = true }, _identity);

        var none = await api.WhoAmIAsync();
        var bad = await api.WhoAmIAsync("gAAAAABnot-a-real-token");

        foreach (var seen in new[] { none, bad })
        {
            Assert.Equal("Invalid", seen.Header("X-Identity-Status"));
            Assert.False(seen.Authenticated);
            Assert.Equal("Invalid", seen.FeatureStatus);
            // Identity answered: the token is bad, Identity is not down.
            Assert.False(seen.FeatureIdentityUnavailable);
            Assert.Null(seen.Header("X-User-Id"));
            Assert.Null(seen.Header("X-Roles"));
        }
        Assert.Equal(2, api.AppCalls);
    }

    [Fact]
    public async Task With_delay_auth_decision_a_401_from_the_app_gets_www_authenticate()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { DelayAuthDecision = true }, _identity);

        using var response = await api.GetAsync("/deny");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Keystone uri=\"{ProtectedApi.PublicIdentityUrl}\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(1, api.AppCalls);
    }

    [Fact]
    public async Task Identity_headers_sent_by_the_client_are_removed()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        (string, string)[] forged =
        [
            ("X-Roles", "admin"), ("X-Role", "admin"), ("X-User-Id", "evil"), ("X-Domain-Id", "default"),
            ("X-Service-Roles", "service"), ("X-Service-User-Name", "nova"), ("X-Service-Identity-Status", "Confirmed"),
            ("X-Is-Admin-Project", "True"), ("OpenStack-System-Scope", "all"), ("X-Service-Catalog", "[]"),
        ];

        var seen = await api.WhoAmIAsync(token, headers: forged);

        Assert.Equal(["member", "observer", "reader"], seen.Header("X-Roles")!.Split(',').Order());
        Assert.Equal(seen.Header("X-Roles"), seen.Header("X-Role"));
        Assert.NotEqual("evil", seen.Header("X-User-Id"));
        Assert.Null(seen.Header("X-Domain-Id"));
        Assert.Null(seen.Header("X-Service-Roles"));
        Assert.Null(seen.Header("X-Service-User-Name"));
        Assert.Null(seen.Header("X-Service-Identity-Status"));
        Assert.Null(seen.Header("OpenStack-System-Scope"));
        Assert.NotEqual("[]", seen.Header("X-Service-Catalog"));
        Assert.DoesNotContain("admin", seen.ClaimValues(KeystoneClaimTypes.Role));
    }

    [Fact]
    public async Task A_forged_identity_status_does_not_survive_a_request_without_a_token()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { DelayAuthDecision = true }, _identity);

        var seen = await api.WhoAmIAsync(headers: [("X-Identity-Status", "Confirmed"), ("X-Roles", "admin"), ("X-User-Id", "evil")]);

        Assert.Equal("Invalid", seen.Header("X-Identity-Status"));
        Assert.Null(seen.Header("X-Roles"));
        Assert.Null(seen.Header("X-User-Id"));
    }
}
