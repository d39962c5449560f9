using System.Net;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests.Validation;

/// <summary>
/// A service token that passes the service_token_roles check vouches for a user token that has just expired
/// (Keystone's ?allow_expired=1), so long-running operations that a service began for a user can finish.
/// Identity here issues tokens that live 5 seconds, and the test waits for them to expire; each token that must be
/// fresh is issued just before its use, so that a slow, busy machine does not let it expire too.
/// </summary>
public sealed class AllowExpiredTests : IAsyncLifetime
{
    private IdentityHost _identity = null!;

    public async Task InitializeAsync() => _identity = await IdentityHost.StartAsync("[token]\nexpiration = 5\n");

    public async Task DisposeAsync() => await _identity.DisposeAsync();

    [Fact]
    public async Task An_expired_user_token_passes_only_with_a_service_token_that_has_a_service_role()
    {
        var options = ProtectedApi.GuideOptions(_identity) with { ServiceTokenRolesRequired = true, TokenCacheTime = -1 };
        await using var api = await ProtectedApi.StartAsync(options, _identity, realClock: true);
        var user = await _identity.DemoTokenAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));

        using (var alone = await api.GetAsync("/whoami", user))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, alone.StatusCode);
        }
        // Issued after the wait, so still fresh: nova has the service role, demo has not.
        var (service, _) = await _identity.IssueAsync("nova", IdentityHost.NovaPassword, "service");
        var seen = await api.WhoAmIAsync(user, service);
        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal("nova", seen.Header("X-Service-User-Name"));

        var relaxed = await ProtectedApi.StartAsync(options with { ServiceTokenRolesRequired = false }, _identity, realClock: true);
        await using var _ = relaxed;
        var notAService = await _identity.DemoTokenAsync();
        using var vouchedByAnyone = await relaxed.GetAsync("/whoami", user, notAService);
        Assert.Equal(HttpStatusCode.Unauthorized, vouchedByAnyone.StatusCode);
    }
}
