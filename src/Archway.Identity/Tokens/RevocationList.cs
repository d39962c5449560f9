using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Tokens;

/// <summary>
/// Keystone's revocation events held in memory and indexed by the field they name, so checking a token costs a few
/// dictionary look-ups however many events there are (Keystone's historic slowdown was a linear scan).
/// Writes go to the database first, then here.
/// </summary>
internal sealed class RevocationList
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<RevocationEventRecord>> _byAuditId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RevocationEventRecord>> _byAuditChainId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RevocationEventRecord>> _byUserId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RevocationEventRecord>> _byProjectId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<RevocationEventRecord>> _byDomainId = new(StringComparer.Ordinal);
    private readonly List<RevocationEventRecord> _byRoleOnly = [];
    private readonly HashSet<long> _indexed = [];
    private long _lastId;
    private int _count;

    private long _latestIssuedBeforeTicks;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The newest cut-off of an event a new token could match (any but a single token's): a token issued in that
    /// same second would be revoked by it.
    /// </summary>
    public DateTime LatestIssuedBefore => new(Volatile.Read(ref _latestIssuedBeforeTicks), DateTimeKind.Utc);

    /// <summary>
    /// Picks up events written since the last call, by this process or another one sharing the database
    /// (keystone-manage bootstrap, a second node). True when there was any.
    /// </summary>
    public async Task<bool> RefreshAsync(DataConnection db, DateTime now, CancellationToken cancellationToken)
    {
        var after = Volatile.Read(ref _lastId);
        var events = await db.GetTable<RevocationEventRecord>()
            .Where(e => e.Id > after && (e.ExpiresAt == null || e.ExpiresAt > now))
            .ToListAsync(cancellationToken);
        lock (_gate)
        {
            foreach (var revocation in events)
            {
                Index(revocation);
                // Only what was read back advances the mark: an event this process wrote itself may have a higher id
                // than one another process committed a moment earlier.
                if (revocation.Id > _lastId)
                {
                    Volatile.Write(ref _lastId, revocation.Id);
                }
            }
        }
        return events.Count > 0;
    }

    public async Task RevokeAsync(DataConnection db, RevocationEventRecord revocation, CancellationToken cancellationToken)
    {
        revocation.Id = await db.InsertWithInt64IdentityAsync(revocation, token: cancellationToken);
        lock (_gate)
        {
            Index(revocation);
        }
    }

    /// <summary>Whether any event revokes this token (Keystone's revoke model: every set field must match).</summary>
    public bool IsRevoked(TokenPayload token, string? projectDomainId, string userDomainId, IReadOnlyList<string> roleIds)
    {
        if (Count == 0)
        {
            return false;
        }
        var issuedAt = token.IssuedAt.UtcDateTime;
        lock (_gate)
        {
            return AnyMatches(_byAuditId, token.AuditIds[0], token, issuedAt, projectDomainId, userDomainId, roleIds)
                || AnyMatches(_byAuditChainId, token.AuditIds[^1], token, issuedAt, projectDomainId, userDomainId, roleIds)
                || AnyMatches(_byUserId, token.UserId, token, issuedAt, projectDomainId, userDomainId, roleIds)
                || (token.ProjectId is not null && AnyMatches(_byProjectId, token.ProjectId, token, issuedAt, projectDomainId, userDomainId, roleIds))
                || AnyMatches(_byDomainId, userDomainId, token, issuedAt, projectDomainId, userDomainId, roleIds)
                || (token.DomainId is not null && AnyMatches(_byDomainId, token.DomainId, token, issuedAt, projectDomainId, userDomainId, roleIds))
                || (projectDomainId is not null && AnyMatches(_byDomainId, projectDomainId, token, issuedAt, projectDomainId, userDomainId, roleIds))
                || Matches(_byRoleOnly, token, issuedAt, projectDomainId, userDomainId, roleIds);
        }
    }

    private void Index(RevocationEventRecord revocation)
    {
        if (!_indexed.Add(revocation.Id))
        {
            return;
        }
        var list = revocation switch
        {
            { AuditId: { } a } => Bucket(_byAuditId, a),
            { AuditChainId: { } c } => Bucket(_byAuditChainId, c),
            { UserId: { } u } => Bucket(_byUserId, u),
            { ProjectId: { } p } => Bucket(_byProjectId, p),
            { DomainId: { } d } => Bucket(_byDomainId, d),
            _ => _byRoleOnly,
        };
        list.Add(revocation);
        Interlocked.Increment(ref _count);
        // An event naming one token's audit id cannot match a token issued later (each gets a new random audit id),
        // so it does not hold back token issue: revoking tokens one by one must not slow every login to a token a second.
        if (revocation.AuditId is null && revocation.IssuedBefore.Ticks > _latestIssuedBeforeTicks)
        {
            Volatile.Write(ref _latestIssuedBeforeTicks, revocation.IssuedBefore.Ticks);
        }
    }

    private static List<RevocationEventRecord> Bucket(Dictionary<string, List<RevocationEventRecord>> index, string key)
    {
        if (!index.TryGetValue(key, out var list))
        {
            list = [];
            index[key] = list;
        }
        return list;
    }

    private static bool AnyMatches(Dictionary<string, List<RevocationEventRecord>> index, string key, TokenPayload token,
        DateTime issuedAt, string? projectDomainId, string userDomainId, IReadOnlyList<string> roleIds) =>
        index.TryGetValue(key, out var list) && Matches(list, token, issuedAt, projectDomainId, userDomainId, roleIds);

    private static bool Matches(List<RevocationEventRecord> events, TokenPayload token, DateTime issuedAt,
        string? projectDomainId, string userDomainId, IReadOnlyList<string> roleIds)
    {
        foreach (var e in events)
        {
            // issued_before is inclusive in Keystone: a token issued in the same second as the event is revoked.
            if (issuedAt > e.IssuedBefore)
            {
                continue;
            }
            if (e.AuditId is not null && e.AuditId != token.AuditIds[0])
            {
                continue;
            }
            if (e.AuditChainId is not null && e.AuditChainId != token.AuditIds[^1])
            {
                continue;
            }
            if (e.UserId is not null && e.UserId != token.UserId)
            {
                continue;
            }
            if (e.ProjectId is not null && e.ProjectId != token.ProjectId)
            {
                continue;
            }
            if (e.DomainId is not null && e.DomainId != userDomainId && e.DomainId != token.DomainId && e.DomainId != projectDomainId)
            {
                continue;
            }
            if (e.RoleId is not null && !Contains(roleIds, e.RoleId))
            {
                continue;
            }
            return true;
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] == value)
            {
                return true;
            }
        }
        return false;
    }
}
