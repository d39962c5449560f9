using System.Collections.Concurrent;
using Archway.Identity.Assignments;
using Archway.Identity.Catalog;
using Archway.Identity.Config;
using Archway.Identity.Resources;
using Archway.Identity.Users;

namespace Archway.Identity.Tokens;

/// <summary>What validating a token re-reads from the database for one user on one scope.</summary>
internal sealed record TokenState(
    UserRecord User,
    ProjectRecord UserDomain,
    DateTime? PasswordExpiresAt,
    ProjectRecord? Project,
    ProjectRecord? ProjectDomain,
    ProjectRecord? Domain,
    IReadOnlyList<RoleRecord> Roles)
{
    /// <summary>The role ids the revocation check matches on, taken once when the state is loaded, not per validation.</summary>
    public string[] RoleIds { get; } = [.. Roles.Select(r => r.Id)];
}

/// <summary>The enabled services and endpoints every catalog is rendered from.</summary>
internal sealed record CatalogSource(IReadOnlyList<ServiceRecord> Services, IReadOnlyList<EndpointRecord> Endpoints);

/// <summary>The key of a token's state: its user and its scope.</summary>
internal readonly record struct TokenScope(string UserId, string? ProjectId, string? DomainId, bool System);

/// <summary>
/// Keeps what token validation and catalogs read from the database, so that the hot path (GET /v3/auth/tokens, the
/// in-process validator of the Image service) costs no query. Correctness comes from invalidation, not from expiry:
/// every write to the Identity API in this process clears it before its response starts
/// (<see cref="IdentityStateInvalidation"/>), and revocation events written by another process sharing the database
/// clear it when the refresher picks them up (every 2 s, as revocations themselves). Only what another process
/// changes without a revocation event (a role granted, a name changed) waits for [token] cache_time.
/// Revocation itself is never cached: every validation checks the in-memory revocation list.
/// </summary>
internal sealed class IdentityStateCache(KeystoneOptions options, TimeProvider time)
{
    // Bounds memory when many users validate many scopes; a full cache starts over rather than tracking recency.
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<TokenScope, Entry<TokenState>> _tokenStates = new();
    private Entry<CatalogSource>? _catalog;
    private long _generation;

    public bool Enabled => options.TokenCaching;

    /// <summary>Forgets everything: the next read loads from the database.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _tokenStates.Clear();
        Volatile.Write(ref _catalog, null);
    }

    /// <summary>The cached state of this scope, or null when there is none still fresh.</summary>
    public TokenState? FindTokenState(TokenScope scope) =>
        Enabled && _tokenStates.TryGetValue(scope, out var entry) && IsFresh(entry) ? entry.Value : null;

    /// <summary>The cached catalog source, or null when there is none still fresh.</summary>
    public CatalogSource? FindCatalog() =>
        Enabled && Volatile.Read(ref _catalog) is { } entry && IsFresh(entry) ? entry.Value : null;

    /// <summary>The generation a load starts at; pass it to Store so that a load racing a write is not kept.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public void StoreTokenState(TokenScope scope, TokenState state, long loadedAtGeneration)
    {
        if (!Enabled)
        {
            return;
        }
        if (_tokenStates.Count >= MaxEntries)
        {
            _tokenStates.Clear();
        }
        var entry = new Entry<TokenState>(state, loadedAtGeneration, time.GetTimestamp());
        _tokenStates[scope] = entry;
        // A write may have invalidated between the load and the store: then drop what was just stored.
        if (Generation != loadedAtGeneration)
        {
            _tokenStates.TryRemove(KeyValuePair.Create(scope, entry));
        }
    }

    public void StoreCatalog(CatalogSource source, long loadedAtGeneration)
    {
        if (Enabled && Generation == loadedAtGeneration)
        {
            Volatile.Write(ref _catalog, new Entry<CatalogSource>(source, loadedAtGeneration, time.GetTimestamp()));
        }
    }

    private bool IsFresh<T>(Entry<T> entry) =>
        entry.Generation == Generation && time.GetElapsedTime(entry.LoadedAt).TotalSeconds < options.TokenCacheTime;

    private sealed record Entry<T>(T Value, long Generation, long LoadedAt);
}
