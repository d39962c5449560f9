using Archway.Identity.Assignments;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Users;
using LinqToDB.Data;

namespace Archway.Identity.Tokens;

/// <summary>What a token is asked to carry when it is issued.</summary>
internal sealed record TokenRequest(
    UserRecord User,
    IReadOnlyList<string> Methods,
    ProjectRecord? Project = null,
    ProjectRecord? Domain = null,
    bool System = false,
    DateTimeOffset? ExpiresAt = null,
    string? ParentAuditId = null);

/// <summary>
/// Issues Fernet tokens and validates them as Keystone does: decrypt, expiry, revocation events, then the user,
/// the scope and the roles re-read so that a disabled user or a removed role invalidates existing tokens.
/// </summary>
internal sealed class TokenService(
    IdentityDatabase database,
    FernetTokenFormatter formatter,
    AuthMethods authMethods,
    RevocationList revocations,
    IdentityStateCache cache,
    KeystoneOptions options,
    TimeProvider time)
{
    public async Task<(TokenModel? Token, IdentityError? Error)> IssueAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Fernet issue times are whole seconds and an event revokes tokens issued up to its own second: a token
        // issued in the second of a fresh event (say, right after a password change) would be born revoked, as in
        // Keystone. Waiting for the next second avoids that; it happens only in the second after an event.
        // A loop, not one delay: Task.Delay truncates to whole milliseconds, so a wait of under 1 ms returns at once
        // and the token would still be born in the event's second (seen in CI as a 404 right after a password change).
        while (TruncateToSecond(now.UtcDateTime) <= revocations.LatestIssuedBefore)
        {
            var wait = TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.UtcTicks % TimeSpan.TicksPerSecond));
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, time, cancellationToken);
            now = time.GetUtcNow();
        }
        // Keystone zeroes the microseconds, so expires_at packs as an integral float.
        var expiresAt = request.ExpiresAt ?? DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + options.TokenExpiration);
        var auditId = NewAuditId();
        var payload = new TokenPayload(
            request.User.Id,
            authMethods.ToMask(request.Methods),
            expiresAt,
            request.ParentAuditId is null ? [auditId] : [auditId, request.ParentAuditId],
            ProjectId: request.Project?.Id,
            DomainId: request.Domain?.Id,
            System: request.System ? "all" : null);
        var tokenId = formatter.Create(payload);
        // Build the response model through the same checks validation applies, so what we hand out validates.
        return await BuildModelAsync(tokenId, payload with { IssuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) }, cancellationToken);
    }

    public async Task<(TokenModel? Token, IdentityError? Error)> ValidateAsync(string tokenId, bool allowExpired, CancellationToken cancellationToken)
    {
        if (!formatter.TryDecode(tokenId, out var payload))
        {
            return (null, IdentityError.TokenNotFound());
        }
        var now = time.GetUtcNow();
        var deadline = allowExpired ? payload.ExpiresAt.AddSeconds(options.AllowExpiredWindow) : payload.ExpiresAt;
        if (now >= deadline)
        {
            return (null, IdentityError.TokenNotFound());
        }
        return await BuildModelAsync(tokenId, payload, cancellationToken);
    }

    /// <summary>Revokes one token (DELETE /v3/auth/tokens): an event on its audit id.</summary>
    public async Task RevokeAsync(TokenModel token, CancellationToken cancellationToken)
    {
        await using var db = database.Open();
        var now = TruncateToSecond(time.GetUtcNow().UtcDateTime);
        await revocations.RevokeAsync(db, new RevocationEventRecord
        {
            AuditId = token.AuditId,
            IssuedBefore = now,
            RevokedAt = now,
            ExpiresAt = token.Payload.ExpiresAt.UtcDateTime,
        }, cancellationToken);
    }

    /// <summary>
    /// The user's state on a scope — the user, the scope and the user's effective roles on it — from the cache when
    /// fresh; null when the user, the scope or every role on it is gone or disabled.
    /// </summary>
    public async Task<TokenState?> StateAsync(TokenScope scope, CancellationToken cancellationToken)
    {
        if (cache.FindTokenState(scope) is { } cached)
        {
            return cached;
        }
        var generation = cache.Generation;
        await using var db = database.Open();
        var state = await LoadStateAsync(db, scope, cancellationToken);
        if (state is not null)
        {
            cache.StoreTokenState(scope, state, generation);
        }
        return state;
    }

    private async Task<(TokenModel?, IdentityError?)> BuildModelAsync(string tokenId, TokenPayload payload, CancellationToken cancellationToken)
    {
        var state = await StateAsync(new TokenScope(payload.UserId, payload.ProjectId, payload.DomainId, payload.System is not null), cancellationToken);
        if (state is null)
        {
            return (null, IdentityError.TokenNotFound());
        }

        if (revocations.IsRevoked(payload, state.ProjectDomain?.Id, state.UserDomain.Id, state.RoleIds))
        {
            return (null, IdentityError.TokenNotFound());
        }
        return (new TokenModel(tokenId, payload, authMethods.FromMask(payload.MethodsMask), state), null);
    }

    /// <summary>The user, scope and roles a token names, or null when any of them is gone or disabled.</summary>
    private static async Task<TokenState?> LoadStateAsync(DataConnection db, TokenScope scope, CancellationToken cancellationToken)
    {
        var user = await db.FindUserAsync(scope.UserId, cancellationToken);
        if (user is null || !user.Enabled)
        {
            return null;
        }
        var userDomain = await db.FindDomainAsync(user.DomainId, cancellationToken);
        if (userDomain is null || !userDomain.Enabled)
        {
            return null;
        }

        ProjectRecord? project = null, projectDomain = null, domain = null;
        List<RoleRecord> roles = [];
        if (scope.ProjectId is not null)
        {
            project = await db.FindProjectAsync(scope.ProjectId, cancellationToken);
            projectDomain = project is null ? null : await db.FindDomainAsync(project.DomainId, cancellationToken);
            if (project is null || !project.Enabled || projectDomain is null || !projectDomain.Enabled)
            {
                return null;
            }
            roles = await EffectiveRoles.OnProjectAsync(db, user.Id, project, cancellationToken);
        }
        else if (scope.DomainId is not null)
        {
            domain = await db.FindDomainAsync(scope.DomainId, cancellationToken);
            if (domain is null || !domain.Enabled)
            {
                return null;
            }
            roles = await EffectiveRoles.OnDomainAsync(db, user.Id, domain.Id, cancellationToken);
        }
        else if (scope.System)
        {
            roles = await EffectiveRoles.OnSystemAsync(db, user.Id, cancellationToken);
        }
        if ((project is not null || domain is not null || scope.System) && roles.Count == 0)
        {
            return null;
        }
        var password = await db.CurrentPasswordAsync(user.Id, cancellationToken);
        return new TokenState(user, userDomain, password?.ExpiresAt, project, projectDomain, domain, roles);
    }

    /// <summary>Keystone's audit id: url-safe base64 of 16 random bytes, without padding (22 characters).</summary>
    private static string NewAuditId()
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    internal static DateTime TruncateToSecond(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
