using Archway.Identity.Resources;
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

    public static Dictionary<string, object?> With(this Dictionary<string, object?> target, string key, object? value)
    {
        target[key] = value;
        return target;
    }
}
