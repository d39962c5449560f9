using System.Security.Cryptography;
using System.Text;
using Archway.KeystoneAuth.Tests.Harness;
using StackExchange.Redis;

namespace Archway.KeystoneAuth.Tests.Caching;

/// <summary>
/// The shared cache against a real redis-server (Debian package redis-server), started by the fixture on a free
/// port of 127.0.0.1. Two middleware instances stand for two processes: what one validated, the other finds.
/// </summary>
public sealed class RedisCacheTests(IdentityFixture fixture, RedisServer redis) : IClassFixture<IdentityFixture>, IClassFixture<RedisServer>
{
    private readonly IdentityHost _identity = fixture.Identity;

    private Task<ProtectedApi> StartAsync(int cacheTime = 300) =>
        ProtectedApi.StartAsync(ProtectedApi.GuideOptions(_identity) with { RedisServer = redis.Configuration, TokenCacheTime = cacheTime }, _identity);

    [Fact]
    public async Task A_token_validated_by_one_process_is_found_in_redis_by_another()
    {
        if (!redis.Available)
        {
            return;
        }
        var token = await _identity.DemoTokenAsync();
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var before = _identity.Requests.Validations();

        await first.WhoAmIAsync(token);
        var seen = await second.WhoAmIAsync(token);

        Assert.Equal(before + 1, _identity.Requests.Validations());
        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal(["member", "observer", "reader"], seen.Header("X-Roles")!.Split(',').Order());
        Assert.NotNull(seen.Header("X-Service-Catalog"));
        Assert.True(second.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "and in Redis"), second.Logs.Dump());
    }

    [Fact]
    public async Task Redis_keeps_an_entry_no_longer_than_token_cache_time_under_a_hashed_key()
    {
        if (!redis.Available)
        {
            return;
        }
        var token = await _identity.DemoTokenAsync();
        await using var api = await StartAsync(cacheTime: 45);

        await api.WhoAmIAsync(token);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        // keystonemiddleware's key: the token's sha256, never the token itself.
        var key = "keystoneauth:tokens/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task A_stopped_redis_is_a_miss_not_a_failure()
    {
        if (!redis.Available)
        {
            return;
        }
        var options = ProtectedApi.GuideOptions(_identity) with { RedisServer = $"127.0.0.1:{IdentityHost.FreePort()}" };
        await using var api = await ProtectedApi.StartAsync(options, _identity);

        var seen = await api.WhoAmIAsync(await _identity.DemoTokenAsync());

        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "shared token cache"), api.Logs.Dump());
    }
}
