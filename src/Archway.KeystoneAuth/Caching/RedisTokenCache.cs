using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Archway.KeystoneAuth.Caching;

/// <summary>
/// The shared cache on Redis. Connects on first use and reconnects by itself; while Redis is down, commands fail
/// at once (no backlog) and count as misses, so requests fall through to Identity instead of waiting on Redis.
/// </summary>
internal sealed class RedisTokenCache : ISharedTokenCache, IAsyncDisposable
{
    private readonly string _server;
    private readonly ILogger _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private int _failing;

    public RedisTokenCache(string configuration, ILogger logger)
    {
        _logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!configuration.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            // A cache that answers slower than Identity would is worse than none.
            options.AsyncTimeout = 1000;
        }
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = 2000;
        }
        _server = string.Join(",", options.EndPoints.Select(e => e.ToString()));
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    public async Task<(byte[] Value, TimeSpan TimeToLive)?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var database = (await _connection.Value.WaitAsync(cancellationToken)).GetDatabase();
            var found = await database.StringGetWithExpiryAsync(key).WaitAsync(cancellationToken);
            Recovered();
            return found.Value.HasValue && found.Expiry is { } ttl ? ((byte[])found.Value!, ttl) : null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e);
            return null;
        }
    }

    public async Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        try
        {
            var database = (await _connection.Value.WaitAsync(cancellationToken)).GetDatabase();
            await database.StringSetAsync(key, value, timeToLive).WaitAsync(cancellationToken);
            Recovered();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            Failed(e);
        }
    }

    /// <summary>Logs the first failure of a run of failures, not every one.</summary>
    private void Failed(Exception e)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.SharedCacheFailed(_logger, _server, e);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.SharedCacheRecovered(_logger, _server);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await _connection.Value.Result.DisposeAsync();
        }
    }
}
