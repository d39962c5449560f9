using System.Collections.Concurrent;
using Archway.Identity.Assignments;
using Archway.Identity.Catalog;
using Archway.Identity.Config;
using Archway.Identity.Resources;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

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

/// <summary>How a scope names a domain or a project: by id, or by name (a project's within its domain).</summary>
internal readonly record struct ProjectKey(bool IsDomain, string? Id, string? Name = null, string? DomainId = null)
{
    public static ProjectKey Domain(string? id, string? name) => new(IsDomain: true, id, id is null ? name : null);

    public static ProjectKey Project(string id) => new(IsDomain: false, id);

    public static ProjectKey ProjectNamed(string name, string domainId) => new(IsDomain: false, null, name, domainId);
}

/// <summary>
/// Keeps what token validation, catalogs, token issue's scope resolution and the project list read from the database,
/// so that the hot paths (GET /v3/auth/tokens, the in-process validator of the Image service, rescoping) cost no
/// query. Correctness comes from invalidation, not from expiry:
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
    private readonly ConcurrentDictionary<ProjectKey, Entry<ProjectRecord>> _projects = new();
    private Entry<CatalogSource>? _catalog;
    private Entry<List<ProjectRecord>>? _allProjects;
    private long _generation;

    public bool Enabled => options.TokenCaching;

    /// <summary>Forgets everything: the next read loads from the database.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _tokenStates.Clear();
        _projects.Clear();
        Volatile.Write(ref _catalog, null);
        Volatile.Write(ref _allProjects, null);
    }

    /// <summary>
    /// Every project (domains excluded), ordered by name: GET /v3/projects filters and pages this in memory, as it
    /// did the same rows read per request. Callers must not change the list.
    /// </summary>
    public async Task<IReadOnlyList<ProjectRecord>> AllProjectsAsync(DataConnection db, CancellationToken cancellationToken)
    {
        if (Enabled && Volatile.Read(ref _allProjects) is { } entry && IsFresh(entry))
        {
            return entry.Value;
        }
        var generation = Generation;
        var projects = await db.GetTable<ProjectRecord>().Where(p => !p.IsDomain).OrderBy(p => p.Name).ToListAsync(cancellationToken);
        if (Enabled && Generation == generation)
        {
            Volatile.Write(ref _allProjects, new Entry<List<ProjectRecord>>(projects, generation, time.GetTimestamp()));
        }
        return projects;
    }

    /// <summary>
    /// The domain or project a scope names, for token issue's scope resolution (which rescoping repeats for every
    /// token). Only what exists is kept: a name not found is looked up again next time.
    /// </summary>
    public async Task<ProjectRecord?> FindProjectAsync(ProjectKey key, DataConnection db, CancellationToken cancellationToken)
    {
        if (Enabled && _projects.TryGetValue(key, out var entry) && IsFresh(entry))
        {
            return entry.Value;
        }
        var generation = Generation;
        var found = key switch
        {
            { IsDomain: true, Id: { } id } => await db.FindDomainAsync(id, cancellationToken),
            { IsDomain: true } => await db.FindDomainByNameAsync(key.Name!, cancellationToken),
            { Id: { } id } => await db.FindProjectAsync(id, cancellationToken),
            _ => await db.FindProjectByNameAsync(key.Name!, key.DomainId!, cancellationToken),
        };
        if (found is not null)
        {
            Store(_projects, key, found, generation);
        }
        return found;
    }

    /// <summary>The cached state of this scope, or null when there is none still fresh.</summary>
    public TokenState? FindTokenState(TokenScope scope) =>
        Enabled && _tokenStates.TryGetValue(scope, out var entry) && IsFresh(entry) ? entry.Value : null;

    /// <summary>The cached catalog source, or null when there is none still fresh.</summary>
    public CatalogSource? FindCatalog() =>
        Enabled && Volatile.Read(ref _catalog) is { } entry && IsFresh(entry) ? entry.Value : null;

    /// <summary>The generation a load starts at; pass it to Store so that a load racing a write is not kept.</summary>
    public long Generation => Volatile.Read(ref _generation);

    public void StoreTokenState(TokenScope scope, TokenState state, long loadedAtGeneration) =>
        Store(_tokenStates, scope, state, loadedAtGeneration);

    private void Store<TKey, TValue>(ConcurrentDictionary<TKey, Entry<TValue>> entries, TKey key, TValue value, long loadedAtGeneration)
        where TKey : notnull
    {
        if (!Enabled)
        {
            return;
        }
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }
        var entry = new Entry<TValue>(value, loadedAtGeneration, time.GetTimestamp());
        entries[key] = entry;
        // A write may have invalidated between the load and the store: then drop what was just stored.
        if (Generation != loadedAtGeneration)
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
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
