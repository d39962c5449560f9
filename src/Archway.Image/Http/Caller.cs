using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>
/// Who is calling, as Glance's request context sees it: read from the headers an auth_token middleware sets
/// (X-Identity-Status, X-User-Id, X-Project-Id, X-Roles), roles lower-cased as Glance does. Owner checks compare
/// <see cref="ProjectId"/> with an image's owner; <see cref="IsAdmin"/> is Glance's context_is_admin (role:admin).
/// </summary>
internal sealed class Caller
{
    private readonly string[] _roles;

    public Caller(string? userId, string? projectId, IEnumerable<string> roles, bool readOnly = false)
    {
        UserId = userId;
        ProjectId = projectId;
        _roles = roles.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct().ToArray();
        ReadOnly = readOnly;
        IsAdmin = HasRole("admin");
    }

    public string? UserId { get; }

    /// <summary>The token's project: the owner of the images this caller creates.</summary>
    public string? ProjectId { get; }

    public IReadOnlyList<string> Roles => _roles;

    public bool IsAdmin { get; }

    /// <summary>An anonymous caller under allow_anonymous_access: may read, may not change anything.</summary>
    public bool ReadOnly { get; }

    public bool HasRole(string role) => Array.IndexOf(_roles, role) >= 0;

    /// <summary>
    /// Glance's ContextMiddleware: a confirmed identity from the auth middleware's headers, or null when the
    /// request is not authenticated.
    /// </summary>
    public static Caller? FromHeaders(IHeaderDictionary headers)
    {
        if (headers["X-Identity-Status"].ToString() != "Confirmed")
        {
            return null;
        }
        var project = headers["X-Project-Id"].ToString();
        var user = headers["X-User-Id"].ToString();
        var roles = headers["X-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new Caller(user.Length == 0 ? null : user, project.Length == 0 ? null : project, roles);
    }

    public static Caller Anonymous { get; } = new(null, null, [], readOnly: true);

    /// <summary>Minimal API binding: handlers take a Caller parameter, set by <see cref="RequestContextMiddleware"/>.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<Caller>());
}
