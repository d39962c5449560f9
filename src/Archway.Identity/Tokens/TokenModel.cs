using Archway.Identity.Assignments;
using Archway.Identity.Resources;
using Archway.Identity.Users;

namespace Archway.Identity.Tokens;

/// <summary>A valid token with everything its response shows: the user, the scope and the roles on it.</summary>
internal sealed record TokenModel(string Id, TokenPayload Payload, IReadOnlyList<string> Methods, TokenState State)
{
    public UserRecord User => State.User;
    public ProjectRecord UserDomain => State.UserDomain;
    public DateTime? PasswordExpiresAt => State.PasswordExpiresAt;
    public ProjectRecord? Project => State.Project;
    public ProjectRecord? ProjectDomain => State.ProjectDomain;
    public ProjectRecord? Domain => State.Domain;
    public IReadOnlyList<RoleRecord> Roles => State.Roles;

    public bool IsSystemScoped => Payload.System is not null;
    public bool IsProjectScoped => Project is not null;
    public bool IsDomainScoped => Domain is not null;
    public bool IsUnscoped => !IsSystemScoped && !IsProjectScoped && !IsDomainScoped;

    /// <summary>This token's own audit id.</summary>
    public string AuditId => Payload.AuditIds[0];

    /// <summary>The audit id of the token this one was rescoped from, or its own: what a rescope carries on.</summary>
    public string AuditChainId => Payload.AuditIds[^1];
}
