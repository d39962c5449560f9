namespace Archway.Identity.Policy;

/// <summary>
/// A dotted path into the credentials that a generic check (<c>user_id:...</c>, <c>token.domain.id:...</c>)
/// compares against, resolved once when the rule is compiled.
/// </summary>
internal enum CredentialAttribute
{
    /// <summary>Not something Keystone's credentials hold, or not provided by Archway: the check never matches.</summary>
    Missing,
    UserId,
    UserDomainId,
    SystemScope,
    DomainId,
    ProjectId,
    ProjectDomainId,
    Roles,
    IsAdminProject,
    ServiceUserId,
    ServiceUserDomainId,
    ServiceProjectId,
    ServiceProjectDomainId,
    ServiceRoles,

    /// <summary>oslo.policy copies a truthy <c>system_scope</c> to <c>system</c>.</summary>
    System,
    IsAdmin,
    TokenUserId,
    TokenUserName,
    TokenUserDomainId,
    TokenUserDomainName,
    TokenProjectId,
    TokenProjectName,
    TokenProjectDomainId,
    TokenProjectDomainName,
    TokenDomainId,
    TokenDomainName,
    TokenSystemAll,
    TokenRoleNames,
}

internal static class CredentialAttributes
{
    private static readonly Dictionary<string, CredentialAttribute> Leaves = new(StringComparer.Ordinal)
    {
        ["user_id"] = CredentialAttribute.UserId,
        ["user_domain_id"] = CredentialAttribute.UserDomainId,
        ["system_scope"] = CredentialAttribute.SystemScope,
        ["domain_id"] = CredentialAttribute.DomainId,
        ["project_id"] = CredentialAttribute.ProjectId,
        ["project_domain_id"] = CredentialAttribute.ProjectDomainId,
        ["roles"] = CredentialAttribute.Roles,
        ["is_admin_project"] = CredentialAttribute.IsAdminProject,
        ["service_user_id"] = CredentialAttribute.ServiceUserId,
        ["service_user_domain_id"] = CredentialAttribute.ServiceUserDomainId,
        ["service_project_id"] = CredentialAttribute.ServiceProjectId,
        ["service_project_domain_id"] = CredentialAttribute.ServiceProjectDomainId,
        ["service_roles"] = CredentialAttribute.ServiceRoles,
        ["system"] = CredentialAttribute.System,
        ["is_admin"] = CredentialAttribute.IsAdmin,
        ["token.user.id"] = CredentialAttribute.TokenUserId,
        ["token.user.name"] = CredentialAttribute.TokenUserName,
        ["token.user.domain.id"] = CredentialAttribute.TokenUserDomainId,
        ["token.user.domain.name"] = CredentialAttribute.TokenUserDomainName,
        ["token.project.id"] = CredentialAttribute.TokenProjectId,
        ["token.project.name"] = CredentialAttribute.TokenProjectName,
        ["token.project.domain.id"] = CredentialAttribute.TokenProjectDomainId,
        ["token.project.domain.name"] = CredentialAttribute.TokenProjectDomainName,
        ["token.domain.id"] = CredentialAttribute.TokenDomainId,
        ["token.domain.name"] = CredentialAttribute.TokenDomainName,
        ["token.system.all"] = CredentialAttribute.TokenSystemAll,
        ["token.roles.name"] = CredentialAttribute.TokenRoleNames,
    };

    /// <summary>
    /// Resolves a generic check's kind. <paramref name="error"/>: the path descends into a value that is not a
    /// mapping (Python raises TypeError at request time). <paramref name="warning"/>: the check can never match here.
    /// </summary>
    public static CredentialAttribute Resolve(string path, out string? error, out string? warning)
    {
        error = null;
        warning = null;
        if (Leaves.TryGetValue(path, out var attribute))
        {
            return attribute;
        }

        // A longer path through a leaf: "user_id.x", "roles.name", "token.user.id.x".
        for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
        {
            if (Leaves.ContainsKey(path[..dot]))
            {
                error = $"\"{path}\" looks inside \"{path[..dot]}\", which holds text, not a mapping";
                return CredentialAttribute.Missing;
            }
        }

        warning = path.StartsWith("token.", StringComparison.Ordinal) || path == "token"
            ? $"\"{path}\" is not a token attribute Archway provides to policy checks (token.user|project|domain.id/name, token.user.domain.id/name, token.project.domain.id/name, token.system.all, token.roles.name), so the check never matches"
            : $"\"{path}\" is not one of Keystone's policy credentials ({string.Join(", ", Leaves.Keys.Where(k => !k.Contains('.', StringComparison.Ordinal)))}, token.*), so the check never matches";
        return CredentialAttribute.Missing;
    }
}
