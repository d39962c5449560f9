using Archway.KeystoneAuth.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Archway.KeystoneAuth.Tests.Caching;

public sealed class TokenCacheTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static ValidatedToken Validated(string user) => ValidatedToken.Create(new KeystoneToken
    {
        UserId = user,
        UserName = user,
        UserDomainId = "default",
        UserDomainName = "Default",
        ExpiresAt = Clock.GetUtcNow().AddHours(1),
    }, includeCatalog: false);

    [Fact]
    public void An_entry_counts_until_its_deadline_and_not_after()
    {
        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var cache = new TokenCache(10, clock);
        cache.Set("t", Validated("u"), clock.GetUtcNow().AddSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(cache.TryGet("t", out var hit));
        Assert.Equal("u", hit!.Token.UserId);

        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(cache.TryGet("t", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_negative_entry_is_found_as_null()
    {
        var cache = new TokenCache(10, Clock);
        cache.Set("bad", null, Clock.GetUtcNow().AddSeconds(10));

        Assert.True(cache.TryGet("bad", out var hit));
        Assert.Null(hit);
    }

    [Fact]
    public void The_cache_stays_within_its_capacity_dropping_the_entries_closest_to_their_deadline()
    {
        var cache = new TokenCache(100, Clock);
        for (var i = 0; i < 1000; i++)
        {
            cache.Set("t" + i, Validated("u" + i), Clock.GetUtcNow().AddSeconds(1 + i));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.TryGet("t999", out _));
        Assert.False(cache.TryGet("t0", out _));
    }
}
