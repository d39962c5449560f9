using System.Net;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests.Caching;

/// <summary>How often the middleware asks Identity, counted at Identity, with the middleware's clock driven by the test.</summary>
public sealed class TokenCachingTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly IdentityHost _identity = fixture.Identity;

    [Fact]
    public async Task A_second_request_with_the_same_token_is_answered_from_the_cache()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        var before = _identity.Requests.Validations();

        await api.WhoAmIAsync(token);
        await api.WhoAmIAsync(token);
        var second = await api.WhoAmIAsync(token);

        Assert.Equal(before + 1, _identity.Requests.Validations());
        Assert.Equal("demo", second.Header("X-User-Name"));
    }

    [Fact]
    public async Task Concurrent_requests_with_an_uncached_token_share_one_validation()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        await api.WhoAmIAsync(await _identity.DemoTokenAsync()); // the service user logs in first
        var before = _identity.Requests.Validations();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.GetAsync("/whoami", token)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(before + 1, _identity.Requests.Validations());
    }

    [Fact]
    public async Task The_cache_entry_expires_at_token_cache_time()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { TokenCacheTime = 60 }, _identity);
        var before = _identity.Requests.Validations();

        await api.WhoAmIAsync(token);
        api.Advance(TimeSpan.FromSeconds(59));
        await api.WhoAmIAsync(token);
        Assert.Equal(before + 1, _identity.Requests.Validations());

        api.Advance(TimeSpan.FromSeconds(2));
        await api.WhoAmIAsync(token);
        Assert.Equal(before + 2, _identity.Requests.Validations());
    }

    [Fact]
    public async Task A_revoked_token_is_accepted_until_token_cache_time_then_rejected()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { TokenCacheTime = 300 }, _identity);
        await api.WhoAmIAsync(token);

        await _identity.RevokeAsync(token);
        api.Advance(TimeSpan.FromSeconds(299));
        using (var cached = await api.GetAsync("/whoami", token))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        api.Advance(TimeSpan.FromSeconds(2));
        using var expired = await api.GetAsync("/whoami", token);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task With_token_cache_time_minus_one_every_request_asks_identity_and_a_revocation_counts_at_once()
    {
        var token = await _identity.DemoTokenAsync();
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { TokenCacheTime = -1 }, _identity);
        var before = _identity.Requests.Validations();

        await api.WhoAmIAsync(token);
        await api.WhoAmIAsync(token);
        Assert.Equal(before + 2, _identity.Requests.Validations());

        await _identity.RevokeAsync(token);
        using var response = await api.GetAsync("/whoami", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_invalid_token_is_remembered_briefly()
    {
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity), _identity);
        const string Bogus = "gAAAAABbogus-token-for-negative-caching";
        var before = _identity.Requests.Validations();

        (await api.GetAsync("/whoami", Bogus)).Dispose();
        (await api.GetAsync("/whoami", Bogus)).Dispose();
        Assert.Equal(before + 1, _identity.Requests.Validations());

        api.Advance(Archway.KeystoneAuth.Caching.TokenChecker.NegativeCacheTime);
        using var response = await api.GetAsync("/whoami", Bogus);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before + 2, _identity.Requests.Validations());
    }

    [Fact]
    public async Task A_cached_token_is_not_used_past_its_own_expiry()
    {
        var token = await _identity.DemoTokenAsync();
        // A cache time far longer than the token's hour of life.
        await using var api = await ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { TokenCacheTime = 86400 }, _identity);
        await api.WhoAmIAsync(token);
        var before = _identity.Requests.Validations();

        api.Advance(TimeSpan.FromMinutes(61));
        using var response = await api.GetAsync("/whoami", token);

        // Identity (on the real clock) still calls it valid, but the middleware sees it expired: asked again, then refused.
        Assert.Equal(before + 1, _identity.Requests.Validations());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
