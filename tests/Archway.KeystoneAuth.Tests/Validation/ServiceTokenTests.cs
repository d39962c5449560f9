using System.Net;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests.Validation;

/// <summary>X-Service-Token: a service calling on a user's behalf, checked against service_token_roles.</summary>
public sealed class ServiceTokenTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly IdentityHost _identity = fixture.Identity;

    private Task<ProtectedApi> StartAsync(bool rolesRequired, bool delay = false) =>
        ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { ServiceTokenRolesRequired = rolesRequired, DelayAuthDecision = delay }, _identity);

    [Fact]
    public async Task A_service_token_with_the_service_role_sets_the_x_service_headers()
    {
        var user = await _identity.DemoTokenAsync();
        var (service, data) = await _identity.IssueAsync("nova", IdentityHost.NovaPassword, "service");
        await using var api = await StartAsync(rolesRequired: true);

        var seen = await api.WhoAmIAsync(user, service);

        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Equal("Confirmed", seen.Header("X-Service-Identity-Status"));
        Assert.Equal("nova", seen.Header("X-Service-User-Name"));
        Assert.Equal(data.GetProperty("user").GetProperty("id").GetString(), seen.Header("X-Service-User-Id"));
        Assert.Equal("default", seen.Header("X-Service-User-Domain-Id"));
        Assert.Equal("service", seen.Header("X-Service-Project-Name"));
        Assert.Equal("Default", seen.Header("X-Service-Project-Domain-Name"));
        Assert.Contains("service", seen.Header("X-Service-Roles")!.Split(','));
        // The user's identity is still the user's.
        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal("demo", seen.Name);
        Assert.DoesNotContain("service", seen.ClaimValues(KeystoneClaimTypes.Role));
        Assert.Equal("Confirmed", seen.FeatureServiceStatus);
        Assert.Equal(seen.Header("X-Service-User-Id"), seen.FeatureServiceUserId);
    }

    [Fact]
    public async Task With_roles_required_a_service_token_without_a_service_role_gets_401()
    {
        var user = await _identity.DemoTokenAsync();
        var notAService = await _identity.DemoTokenAsync();
        await using var api = await StartAsync(rolesRequired: true);

        using var response = await api.GetAsync("/whoami", user, notAService);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Keystone uri=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_roles_required_and_delay_auth_decision_the_app_sees_the_service_token_invalid()
    {
        var user = await _identity.DemoTokenAsync();
        var notAService = await _identity.DemoTokenAsync();
        await using var api = await StartAsync(rolesRequired: true, delay: true);

        var seen = await api.WhoAmIAsync(user, notAService);

        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Equal("Invalid", seen.Header("X-Service-Identity-Status"));
        Assert.Null(seen.Header("X-Service-User-Name"));
        Assert.Equal("Invalid", seen.FeatureServiceStatus);
    }

    [Fact]
    public async Task Without_roles_required_a_valid_service_token_without_the_role_is_accepted_with_a_warning()
    {
        var user = await _identity.DemoTokenAsync();
        var notAService = await _identity.DemoTokenAsync();
        await using var api = await StartAsync(rolesRequired: false);

        var seen = await api.WhoAmIAsync(user, notAService);

        Assert.Equal("Confirmed", seen.Header("X-Service-Identity-Status"));
        Assert.Equal("demo", seen.Header("X-Service-User-Name"));
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "without any of the roles in service_token_roles"), api.Logs.Dump());
    }

    [Fact]
    public async Task An_invalid_service_token_gets_401_even_with_a_valid_user_token()
    {
        var user = await _identity.DemoTokenAsync();
        await using var api = await StartAsync(rolesRequired: false);

        using var response = await api.GetAsync("/whoami", user, "gAAAAABnot-a-service-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, api.AppCalls);
    }

    [Fact]
    public async Task A_service_token_alone_is_not_enough()
    {
        var (service, _) = await _identity.IssueAsync("nova", IdentityHost.NovaPassword, "service");
        await using var api = await StartAsync(rolesRequired: true);

        using var response = await api.GetAsync("/whoami", serviceToken: service);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
