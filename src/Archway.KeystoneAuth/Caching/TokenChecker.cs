using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Archway.KeystoneAuth.Caching;

/// <summary>The outcome of checking one token: a validated token, or why there is none.</summary>
internal readonly record struct TokenCheck(TokenValidationStatus Status, ValidatedToken? Token, string? Reason)
{
    public static TokenCheck Valid(ValidatedToken token) => new(TokenValidationStatus.Valid, token, null);

    public static TokenCheck Invalid(string reason) => new(TokenValidationStatus.Invalid, null, reason);

    public static TokenCheck Unavailable(string reason) => new(TokenValidationStatus.Unavailable, null, reason);
}

/// <summary>
/// The validator behind the caches. Order: in-process cache → shared cache → validator. A valid answer is kept
/// until the earlier of token_cache_time and the token's expires_at, in both caches; an invalid one in process
/// only, for <see cref="NegativeCacheTime"/>; "unavailable" never. Concurrent checks of one uncached token share one
/// call to Identity. Nothing is cached when the validator says its answers are not cacheable.
/// </summary>
internal sealed class TokenChecker
{
    /// <summary>How long "Identity said 404" is remembered: long enough to absorb a client retrying a bad token.</summary>
    public static readonly TimeSpan NegativeCacheTime = TimeSpan.FromSeconds(10);

    private readonly IKeystoneTokenValidator _validator;
    private readonly KeystoneAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ISharedTokenCache? _shared;
    private readonly CancellationToken _stopping;
    private readonly TokenCache? _local;
    private readonly TimeSpan _cacheTime;
    private readonly ConcurrentDictionary<(string Token, bool AllowExpired), Lazy<Task<TokenCheck>>> _inFlight = new();

    public TokenChecker(
        IKeystoneTokenValidator validator, KeystoneAuthOptions options, TimeProvider time, ISharedTokenCache? shared, CancellationToken stopping)
    {
        _validator = validator;
        _options = options;
        _time = time;
        _stopping = stopping;
        if (validator.Cacheable && options.TokenCacheTime > 0)
        {
            _cacheTime = TimeSpan.FromSeconds(options.TokenCacheTime);
            _local = new TokenCache(options.TokenCacheSize, time);
            _shared = shared;
        }
    }

    /// <summary>Null when caching is off (token_cache_time -1, or an uncacheable validator).</summary>
    internal TokenCache? LocalCache => _local;

    internal bool UsesSharedCache => _shared is not null;

    public async ValueTask<TokenCheck> CheckAsync(string token, bool allowExpired, CancellationToken cancellationToken)
    {
        if (!IsHeaderSafe(token))
        {
            return TokenCheck.Invalid("the token is not a printable ASCII string");
        }
        if (_local is not null && _local.TryGet(token, out var cached))
        {
            if (cached is not null)
            {
                return TokenCheck.Valid(cached);
            }
            if (!allowExpired)
            {
                return TokenCheck.Invalid("Identity called this token invalid moments ago (cached)");
            }
        }

        Lazy<Task<TokenCheck>>? mine = null;
        var key = (token, allowExpired);
        var call = _inFlight.GetOrAdd(key, k => mine = new Lazy<Task<TokenCheck>>(() => FetchAsync(k.Token, k.AllowExpired)));
        var task = call.Value;
        if (ReferenceEquals(call, mine))
        {
            _ = task.ContinueWith(
                (_, state) => _inFlight.TryRemove(KeyValuePair.Create(key, (Lazy<Task<TokenCheck>>)state!)),
                call, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return await task.WaitAsync(cancellationToken);
    }

    private async Task<TokenCheck> FetchAsync(string token, bool allowExpired)
    {
        // Not the request's token: other requests may be waiting on this call.
        var cancellationToken = _stopping;
        var sharedKey = _shared is null ? null : SharedKey(token);
        if (_shared is not null && await _shared.GetAsync(sharedKey!, cancellationToken) is { } hit
            && KeystoneTokenJson.Parse(hit.Value) is { } shared)
        {
            var now = _time.GetUtcNow();
            if (now < shared.ExpiresAt)
            {
                var fromShared = ValidatedToken.Create(shared, _options.IncludeServiceCatalog);
                _local!.Set(token, fromShared, Min(now + hit.TimeToLive, shared.ExpiresAt));
                return TokenCheck.Valid(fromShared);
            }
        }

        var answer = await _validator.ValidateAsync(token, _options.IncludeServiceCatalog, allowExpired, cancellationToken);
        switch (answer.Status)
        {
            case TokenValidationStatus.Valid:
                var data = answer.Token!;
                var now = _time.GetUtcNow();
                // keystonemiddleware's will_expire_soon(stale_duration=0).
                if (!allowExpired && data.ExpiresAt <= now)
                {
                    return TokenCheck.Invalid("the token has expired");
                }
                var validated = ValidatedToken.Create(data, _options.IncludeServiceCatalog);
                var until = Min(now + _cacheTime, data.ExpiresAt);
                if (_local is not null && until > now)
                {
                    _local.Set(token, validated, until);
                    if (_shared is not null)
                    {
                        await _shared.SetAsync(sharedKey!, KeystoneTokenJson.Serialize(data), until - now, cancellationToken);
                    }
                }
                return TokenCheck.Valid(validated);
            case TokenValidationStatus.Invalid:
                if (_local is not null && !allowExpired)
                {
                    _local.Set(token, null, _time.GetUtcNow() + Min(NegativeCacheTime, _cacheTime));
                }
                return TokenCheck.Invalid(answer.Reason ?? "Identity says the token is invalid");
            default:
                return TokenCheck.Unavailable(answer.Reason ?? "the Identity service is unavailable");
        }
    }

    private static T Min<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) <= 0 ? a : b;

    /// <summary>
    /// keystonemiddleware's cache key is 'tokens/' + sha256(token). The catalog flag is part of ours, so that services
    /// that share a cache with different include_service_catalog settings do not read each other's entries.
    /// </summary>
    private string SharedKey(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return (_options.IncludeServiceCatalog ? "keystoneauth:tokens/" : "keystoneauth:tokens-nocatalog/") + Convert.ToHexStringLower(hash);
    }

    /// <summary>Header values that Kestrel passes on are visible ASCII; anything else cannot be a Keystone token.</summary>
    private static bool IsHeaderSafe(string token)
    {
        foreach (var c in token)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        return token.Length > 0;
    }
}
