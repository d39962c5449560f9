namespace Archway.Identity.Tokens;

/// <summary>
/// What a Fernet token carries (keystone/token/token_formatters.py). At most one scope is set:
/// <see cref="ProjectId"/> gives payload version 2, <see cref="DomainId"/> version 1,
/// <see cref="System"/> version 8, none version 0 (unscoped).
/// </summary>
/// <param name="UserId">Keystone's form: 32 lower-case hex digits for UUIDs, or any string (LDAP, federation).</param>
/// <param name="MethodsMask">See <see cref="AuthMethods"/>.</param>
/// <param name="ExpiresAt">
/// Keystone stores float64 seconds since the Unix epoch. On decode this is truncated to whole seconds,
/// as Keystone's own validation renders it (<c>isotime</c> drops the microseconds).
/// </param>
/// <param name="AuditIds">One entry, or two for a rescoped token (own, then parent): 22-char unpadded base64url of 16 bytes.</param>
/// <param name="ProjectId">Project scope (version 2).</param>
/// <param name="DomainId">Domain scope (version 1): a UUID, or exactly the configured default domain id.</param>
/// <param name="System">System scope (version 8), e.g. <c>all</c>.</param>
internal sealed record TokenPayload(
    string UserId,
    long MethodsMask,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> AuditIds,
    string? ProjectId = null,
    string? DomainId = null,
    string? System = null)
{
    /// <summary>Filled on decode from the Fernet envelope timestamp (whole seconds); ignored by Create, which uses now.</summary>
    public DateTimeOffset IssuedAt { get; init; }
}
