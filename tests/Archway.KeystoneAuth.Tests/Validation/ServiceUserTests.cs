using System.Net;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests.Validation;

/// <summary>The middleware's own login as the service user: once, renewed before expiry, replaced when rejected.</summary>
public sealed class ServiceUserTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly IdentityHost _identity = fixture.Identity;

    [Fact]
    public async Task The_service_user_logs_in_once_and_validates_with_its_project_scoped_token()
    {
        var first = await _identity.DemoTokenAsync();
        var second = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        var logins = _identity.Requests.Logins;

        await api.WhoAmIAsync(first);
        await api.WhoAmIAsync(second);

        Assert.Equal(logins + 1, _identity.Requests.Logins);
        var serviceToken = _identity.Requests.LastValidationCaller;
        Assert.Equal(2, _identity.Requests.Validations(serviceToken));
        // That token is glance's, on the service project.
        var glance = await api.WhoAmIAsync(serviceToken);
        Assert.Equal("glance", glance.Header("X-User-Name"));
        Assert.Equal("service", glance.Header("X-Project-Name"));
    }

    [Fact]
    public async Task Without_an_identity_endpoint_in_region_name_it_validates_at_auth_url_and_says_so()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { RegionName = "RegionTwo" }, _identity);

        var seen = await api.WhoAmIAsync(token);

        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "No internal identity endpoint in region RegionTwo"), api.Logs.Dump());
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "validating tokens at http://localhost/v3"), api.Logs.Dump());
    }

    [Fact]
    public async Task The_identity_endpoint_comes_from_the_catalog_for_interface_and_region_name()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { RegionName = "RegionOne", Interface = "admin" }, _identity);

        await api.WhoAmIAsync(token);

        Assert.False(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "identity endpoint"), api.Logs.Dump());
    }

    [Fact]
    public async Task The_service_token_is_renewed_before_it_expires()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        await api.WhoAmIAsync(await _identity.DemoTokenAsync());
        var firstServiceToken = _identity.Requests.LastValidationCaller;

        // Identity's tokens live an hour; 3500 s on, the service token has less than keystoneauth's 120 s left.
        api.Advance(TimeSpan.FromSeconds(3500));
        var token = await _identity.DemoTokenAsync();
        var logins = _identity.Requests.Logins;
        await api.WhoAmIAsync(token);

        Assert.Equal(logins + 1, _identity.Requests.Logins);
        Assert.NotEqual(firstServiceToken, _identity.Requests.LastValidationCaller);
    }

    [Fact]
    public async Task The_service_token_is_kept_while_it_has_more_than_two_minutes_left()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        await api.WhoAmIAsync(await _identity.DemoTokenAsync());
        var serviceToken = _identity.Requests.LastValidationCaller;

        api.Advance(TimeSpan.FromSeconds(3300));
        var token = await _identity.DemoTokenAsync();
        var logins = _identity.Requests.Logins;
        await api.WhoAmIAsync(token);

        Assert.Equal(logins, _identity.Requests.Logins);
        Assert.Equal(serviceToken, _identity.Requests.LastValidationCaller);
    }

    [Fact]
    public async Task When_identity_rejects_the_service_token_the_middleware_logs_in_again_once()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        await api.WhoAmIAsync(await _identity.DemoTokenAsync());
        var revoked = _identity.Requests.LastValidationCaller;
        await _identity.RevokeAsync(revoked);
        var token = await _identity.DemoTokenAsync();
        var logins = _identity.Requests.Logins;

        var seen = await api.WhoAmIAsync(token);

        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal(logins + 1, _identity.Requests.Logins);
        // Once before the revocation, once answered 401; then never again.
        Assert.Equal(2, _identity.Requests.Validations(revoked));
        Assert.NotEqual(revoked, _identity.Requests.LastValidationCaller);
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "rejected the service token"), api.Logs.Dump());
    }

    [Fact]
    public async Task Wrong_service_credentials_give_503_not_401()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { Password = "wrong" }, _identity);

        using var response = await api.GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Critical, "rejected the service user's credentials"), api.Logs.Dump());
    }

    [Fact]
    public async Task A_service_user_without_admin_or_service_role_gives_503()
    {
        // demo may log in, but Identity does not let it validate other users' tokens.
        var token = await _identity.IssueAsync("nova", IdentityHost.NovaPassword, "service");
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with
        {
            Username = "demo",
            Password = IdentityHost.DemoPassword,
            ProjectName = "demo",
        }, _identity);

        using var response = await api.GetAsync("/whoami", token.Id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Critical, "403"), api.Logs.Dump());
    }
}
