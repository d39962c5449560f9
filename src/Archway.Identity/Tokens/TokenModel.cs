using Archway.Identity.Assignments;
using Archway.Identity.Resources;
using Archway.Identity.Users;

namespace Archway.Identity.Tokens;

/// <summary>A valid token with everything its response shows: the user, the scope and the roles on it.</summary>
internal sealed record TokenModel(
    string Id,
    TokenPayload Payload,
    IReadOnlyList<string> Methods,
    UserRecord User,
    ProjectRecord UserDomain,
    DateTime? PasswordExpiresAt,
    ProjectRecord? Project,
    ProjectRecord? ProjectDomain,
    ProjectRecord? Domain,
    IReadOnlyList<RoleRecord> Roles)
{
    public bool IsSystemScoped => Payload.System is not null;
    public bool IsProjectScoped => Project is not null;
    public bool IsDomainScoped => Domain is not null;
    public bool IsUnscoped => !IsSystemScoped && !IsProjectScoped && !IsDomainScoped;

    /// <summary>This token's own audit id.</summary>
    public string AuditId => Payload.AuditIds[0];

    /// <summary>The audit id of the token this one was rescoped from, or its own: what a rescope carries on.</summary>
    public string AuditChainId => Payload.AuditIds[^1];
}
