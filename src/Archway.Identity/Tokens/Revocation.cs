namespace Archway.Identity.Tokens;

/// <summary>Builds Keystone's revocation events for the state changes that end tokens.</summary>
internal static class Revocation
{
    /// <summary>
    /// An event revoking every token that matches all the given fields and was issued up to now (Keystone truncates
    /// the time to whole seconds, as Fernet issue times are whole seconds).
    /// </summary>
    public static RevocationEventRecord For(TimeProvider time, string? userId = null, string? projectId = null,
        string? domainId = null, string? roleId = null)
    {
        var now = TokenService.TruncateToSecond(time.GetUtcNow().UtcDateTime);
        return new RevocationEventRecord
        {
            UserId = userId,
            ProjectId = projectId,
            DomainId = domainId,
            RoleId = roleId,
            IssuedBefore = now,
            RevokedAt = now,
        };
    }
}
