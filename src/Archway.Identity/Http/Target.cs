using Archway.Identity.Resources;
using Archway.Identity.Tokens;
using Archway.Identity.Users;

namespace Archway.Identity.Http;

/// <summary>
/// Policy targets as Keystone flattens them for oslo.policy: the entity acted on under <c>target.&lt;type&gt;.*</c>,
/// so rules such as <c>domain_id:%(target.project.domain_id)s</c> resolve.
/// </summary>
internal static class Target
{
    public static Dictionary<string, object?> Domain(ProjectRecord domain) => new()
    {
        ["target.domain.id"] = domain.Id,
        ["target.domain.name"] = domain.Name,
        ["domain_id"] = domain.Id,
    };

    public static Dictionary<string, object?> Project(ProjectRecord project) => new()
    {
        ["target.project.id"] = project.Id,
        ["target.project.name"] = project.Name,
        ["target.project.domain_id"] = project.DomainId,
        ["project_id"] = project.Id,
    };

    public static Dictionary<string, object?> User(UserRecord user) => new()
    {
        ["target.user.id"] = user.Id,
        ["target.user.name"] = user.Name,
        ["target.user.domain_id"] = user.DomainId,
        ["user_id"] = user.Id,
    };

    /// <summary>
    /// The X-Subject-Token of the token APIs, as keystone's enforcer adds it (_extract_subject_token_target_data):
    /// the rules read <c>target.token.user_id</c>.
    /// </summary>
    public static Dictionary<string, object?> Token(TokenModel subject) => new()
    {
        ["target.token.user_id"] = subject.User.Id,
        ["target.token.user.domain.id"] = subject.User.DomainId,
    };

    /// <summary>
    /// A credential, or what a create request or a caller's own list describes: Keystone's owner rule is
    /// <c>user_id:%(target.credential.user_id)s</c>.
    /// </summary>
    public static Dictionary<string, object?> Credential(string? id, string? userId, string? projectId, string? type) => new()
    {
        ["target.credential.id"] = id,
        ["target.credential.user_id"] = userId,
        ["target.credential.project_id"] = projectId,
        ["target.credential.type"] = type,
    };

    /// <summary>
    /// For creates and filtered lists: the domain named in the request body or query. Absent values are left out, as
    /// Keystone does: oslo.policy compares text, so a None target would match a None credential.
    /// </summary>
    public static Dictionary<string, object?> Of(string prefix, string? domainId) => domainId is null ? [] : new()
    {
        [$"target.{prefix}.domain_id"] = domainId,
        ["domain_id"] = domainId,
        ["filter_attr.domain_id"] = domainId,
    };

    /// <summary>
    /// For lists of users, projects and groups (keystone/api/users.py, projects.py, groups.py): the token's domain,
    /// for a domain-scoped token, at <paramref name="targetKey"/> (<c>target.domain_id</c>, or
    /// <c>target.group.domain_id</c> for groups), and the query's domain_id under <c>filter_attr</c>.
    /// </summary>
    public static Dictionary<string, object?> ListScope(TokenModel caller, string targetKey, string? domainFilter)
    {
        var target = new Dictionary<string, object?>();
        if (caller.Domain is not null)
        {
            target[targetKey] = caller.Domain.Id;
        }
        if (domainFilter is not null)
        {
            target["filter_attr.domain_id"] = domainFilter;
        }
        return target;
    }

    public static Dictionary<string, object?> With(this Dictionary<string, object?> target, string key, object? value)
    {
        target[key] = value;
        return target;
    }
}
