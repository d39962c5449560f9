namespace Archway.Identity.Policy;

/// <summary>
/// What a policy check may ask about the caller: the values Keystone hands oslo.policy
/// (<c>RequestContext.to_policy_values()</c> plus the rendered token under <c>token.*</c>). Built once per request
/// from the validated token and passed by reference.
/// </summary>
/// <remarks>
/// A null id is Python's <c>None</c>: <c>project_id:%(target.project.id)s</c> compares the text <c>"None"</c>, as
/// oslo.policy does. The <c>token.*</c> attributes are derived from the ids, names and roles here: <c>token.project</c>
/// exists only for project-scoped tokens, <c>token.domain</c> only for domain-scoped ones, <c>token.system.all</c>
/// only for system-scoped ones.
/// </remarks>
internal readonly struct PolicyCredentials
{
    private readonly IReadOnlyList<string>? _roles;
    private readonly string[]? _lowerRoles;
    private readonly IReadOnlyList<string>? _serviceRoles;
    private readonly bool _notAdminProject;

    public string? UserId { get; init; }

    public string? UserDomainId { get; init; }

    public string? ProjectId { get; init; }

    public string? ProjectDomainId { get; init; }

    /// <summary>The domain of a domain-scoped token.</summary>
    public string? DomainId { get; init; }

    /// <summary><c>all</c> for a system-scoped token, else null.</summary>
    public string? SystemScope { get; init; }

    /// <summary>Role names on the token (implied roles included), as Keystone names them.</summary>
    public IReadOnlyList<string> Roles
    {
        get => _roles ?? [];
        init
        {
            _roles = value;
            _lowerRoles = Lower(value);
        }
    }

    /// <summary>oslo.context's <c>is_admin_project</c>: true unless an admin project is configured and this is not it.</summary>
    public bool IsAdminProject
    {
        get => !_notAdminProject;
        init => _notAdminProject = !value;
    }

    /// <summary>
    /// <c>is_admin</c> in the credentials. Keystone never puts it there (so <c>is_admin:1</c> in
    /// <c>admin_required</c> never matches); null keeps it absent.
    /// </summary>
    public bool? IsAdmin { get; init; }

    public string? ServiceUserId { get; init; }

    public string? ServiceUserDomainId { get; init; }

    public string? ServiceProjectId { get; init; }

    public string? ServiceProjectDomainId { get; init; }

    public IReadOnlyList<string> ServiceRoles
    {
        get => _serviceRoles ?? [];
        init => _serviceRoles = value;
    }

    /// <summary><c>token.user.name</c>; null leaves it out.</summary>
    public string? UserName { get; init; }

    /// <summary><c>token.user.domain.name</c>; null leaves it out.</summary>
    public string? UserDomainName { get; init; }

    /// <summary><c>token.project.name</c>; null leaves it out.</summary>
    public string? ProjectName { get; init; }

    /// <summary><c>token.project.domain.name</c>; null leaves it out.</summary>
    public string? ProjectDomainName { get; init; }

    /// <summary><c>token.domain.name</c>; null leaves it out.</summary>
    public string? DomainName { get; init; }

    /// <summary>Role names lower-cased once, for <c>role:</c> checks (oslo compares <c>match.lower()</c> with each <c>role.lower()</c>).</summary>
    internal ReadOnlySpan<string> LowerRoles => _lowerRoles;

    /// <summary>
    /// The scope oslo.policy's scope check sees: system if <c>system_scope</c> is set, else domain if
    /// <c>domain_id</c> is set, else project (unscoped tokens included).
    /// </summary>
    internal PolicyScopes TokenScope =>
        !string.IsNullOrEmpty(SystemScope) ? PolicyScopes.System
        : !string.IsNullOrEmpty(DomainId) ? PolicyScopes.Domain
        : PolicyScopes.Project;

    /// <summary>Which of system/domain/project Keystone's token render holds (none for an unscoped token).</summary>
    internal PolicyScopes RenderedScope =>
        !string.IsNullOrEmpty(SystemScope) ? PolicyScopes.System
        : !string.IsNullOrEmpty(DomainId) ? PolicyScopes.Domain
        : ProjectId is not null ? PolicyScopes.Project
        : PolicyScopes.None;

    /// <summary>Lower-cases each name, returning the original array when nothing changes (the usual case).</summary>
    private static string[] Lower(IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            return [];
        }

        var lowered = roles as string[] ?? [.. roles];
        for (var i = 0; i < lowered.Length; i++)
        {
            var lower = lowered[i].ToLowerInvariant();
            if (!ReferenceEquals(lower, lowered[i]) && !string.Equals(lower, lowered[i], StringComparison.Ordinal))
            {
                if (ReferenceEquals(lowered, roles))
                {
                    lowered = [.. lowered];
                }

                lowered[i] = lower;
            }
        }

        return lowered;
    }
}
