using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Assignments;

/// <summary>
/// Role grants: /v3/{projects|domains}/{target}/{users|groups}/{actor}/roles[/{role}], their OS-INHERIT forms
/// (inherited to the projects below the target) and /v3/system/{users|groups}/{actor}/roles[/{role}].
/// </summary>
internal static class GrantApi
{
    private sealed record GrantPath(string TargetKind, string ActorKind, bool Inherited);

    public static IEndpointRouteBuilder MapGrantApi(this IEndpointRouteBuilder routes)
    {
        foreach (var target in new[] { "projects", "domains" })
        {
            foreach (var actor in new[] { "users", "groups" })
            {
                var direct = new GrantPath(target, actor, Inherited: false);
                var inherited = new GrantPath(target, actor, Inherited: true);
                routes.MapPut($"/v3/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}", (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Put(c, direct, targetId, actorId, roleId, g));
                routes.MapMethods($"/v3/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Check(c, direct, targetId, actorId, roleId, g));
                routes.MapDelete($"/v3/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}", (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Delete(c, direct, targetId, actorId, roleId, g));
                routes.MapMethods($"/v3/{target}/{{targetId}}/{actor}/{{actorId}}/roles", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string targetId, string actorId, GrantContext g) => List(c, direct, targetId, actorId, g));
                routes.MapPut($"/v3/OS-INHERIT/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}/inherited_to_projects", (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Put(c, inherited, targetId, actorId, roleId, g));
                routes.MapMethods($"/v3/OS-INHERIT/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}/inherited_to_projects", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Check(c, inherited, targetId, actorId, roleId, g));
                routes.MapDelete($"/v3/OS-INHERIT/{target}/{{targetId}}/{actor}/{{actorId}}/roles/{{roleId}}/inherited_to_projects", (HttpContext c, string targetId, string actorId, string roleId, GrantContext g) => Delete(c, inherited, targetId, actorId, roleId, g));
                routes.MapMethods($"/v3/OS-INHERIT/{target}/{{targetId}}/{actor}/{{actorId}}/roles/inherited_to_projects", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string targetId, string actorId, GrantContext g) => List(c, inherited, targetId, actorId, g));
            }
        }
        foreach (var actor in new[] { "users", "groups" })
        {
            var system = new GrantPath("system", actor, Inherited: false);
            routes.MapPut($"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", (HttpContext c, string actorId, string roleId, GrantContext g) => Put(c, system, "system", actorId, roleId, g));
            routes.MapMethods($"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string actorId, string roleId, GrantContext g) => Check(c, system, "system", actorId, roleId, g));
            routes.MapDelete($"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", (HttpContext c, string actorId, string roleId, GrantContext g) => Delete(c, system, "system", actorId, roleId, g));
            routes.MapMethods($"/v3/system/{actor}/{{actorId}}/roles", [HttpMethods.Get, HttpMethods.Head], (HttpContext c, string actorId, GrantContext g) => List(c, system, "system", actorId, g));
        }
        return routes;
    }

    /// <summary>The services a grant handler needs, resolved once per request from DI.</summary>
    internal sealed class GrantContext(ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        public ApiAccess Access => access;
        public IdentityDatabase Database => database;
        public RevocationList Revocations => revocations;
        public TimeProvider Time => time;
    }

    private sealed record Resolved(string ActorId, string? ActorDomainId, string TargetId, Dictionary<string, object?> PolicyTarget);

    private static async Task<IResult> Put(HttpContext context, GrantPath path, string targetId, string actorId, string roleId, GrantContext g)
    {
        var (resolved, role, error) = await ResolveAsync(context, path, targetId, actorId, roleId, "identity:create_grant", "identity:create_system_grant_for_", g);
        if (resolved is null)
        {
            return error!;
        }
        await using var db = g.Database.Open();
        if (role!.DomainId != RoleRecord.GlobalDomainId && path.TargetKind == "projects")
        {
            var project = await db.FindProjectAsync(targetId, context.RequestAborted);
            if (project!.DomainId != role.DomainId)
            {
                return IdentityError.Forbidden($"Project {project.Id} must be in the same domain as the role {role.Id} being assigned.");
            }
        }
        if (!await ExistsAsync(db, path, resolved, role.Id, context.RequestAborted))
        {
            try
            {
                if (path.TargetKind == "system")
                {
                    await db.InsertAsync(new SystemAssignmentRecord { Type = TypeOf(path), ActorId = resolved.ActorId, RoleId = role.Id }, token: context.RequestAborted);
                }
                else
                {
                    await db.InsertAsync(new AssignmentRecord { Type = TypeOf(path), ActorId = resolved.ActorId, TargetId = resolved.TargetId, RoleId = role.Id, Inherited = path.Inherited }, token: context.RequestAborted);
                }
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                // Granted concurrently: the grant exists, which is what was asked.
            }
        }
        return Results.NoContent();
    }

    private static async Task<IResult> Check(HttpContext context, GrantPath path, string targetId, string actorId, string roleId, GrantContext g)
    {
        var (resolved, role, error) = await ResolveAsync(context, path, targetId, actorId, roleId, "identity:check_grant", "identity:check_system_grant_for_", g);
        if (resolved is null)
        {
            return error!;
        }
        await using var db = g.Database.Open();
        return await ExistsAsync(db, path, resolved, role!.Id, context.RequestAborted)
            ? Results.NoContent()
            : NotFound(role.Id, resolved);
    }

    private static async Task<IResult> Delete(HttpContext context, GrantPath path, string targetId, string actorId, string roleId, GrantContext g)
    {
        var (resolved, role, error) = await ResolveAsync(context, path, targetId, actorId, roleId, "identity:revoke_grant", "identity:revoke_system_grant_for_", g);
        if (resolved is null)
        {
            return error!;
        }
        await using var db = g.Database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        int deleted;
        if (path.TargetKind == "system")
        {
            deleted = await db.GetTable<SystemAssignmentRecord>()
                .Where(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId && a.RoleId == role!.Id).DeleteAsync(context.RequestAborted);
        }
        else
        {
            deleted = await db.GetTable<AssignmentRecord>()
                .Where(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId && a.TargetId == resolved.TargetId && a.RoleId == role!.Id && a.Inherited == path.Inherited)
                .DeleteAsync(context.RequestAborted);
        }
        if (deleted == 0)
        {
            return NotFound(role!.Id, resolved);
        }
        // The tokens that carried this grant end: each affected user's (a group's members) on this target.
        var users = path.ActorKind == "users"
            ? [resolved.ActorId]
            : await db.GetTable<UserGroupMembershipRecord>().Where(m => m.GroupId == resolved.ActorId).Select(m => m.UserId).ToListAsync(context.RequestAborted);
        foreach (var userId in users)
        {
            var revocation = path.TargetKind switch
            {
                "projects" when !path.Inherited => Revocation.For(g.Time, userId: userId, projectId: resolved.TargetId),
                "domains" when !path.Inherited => Revocation.For(g.Time, userId: userId, domainId: resolved.TargetId),
                // Inherited and system grants reach many scopes: end all of the user's tokens.
                _ => Revocation.For(g.Time, userId: userId),
            };
            await g.Revocations.RevokeAsync(db, revocation, context.RequestAborted);
        }
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> List(HttpContext context, GrantPath path, string targetId, string actorId, GrantContext g)
    {
        var (resolved, _, error) = await ResolveAsync(context, path, targetId, actorId, roleId: null, "identity:list_grants", "identity:list_system_grants_for_", g);
        if (resolved is null)
        {
            return error!;
        }
        await using var db = g.Database.Open();
        List<string> roleIds;
        if (path.TargetKind == "system")
        {
            roleIds = await db.GetTable<SystemAssignmentRecord>().Where(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId)
                .Select(a => a.RoleId).ToListAsync(context.RequestAborted);
        }
        else
        {
            roleIds = await db.GetTable<AssignmentRecord>()
                .Where(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId && a.TargetId == resolved.TargetId && a.Inherited == path.Inherited)
                .Select(a => a.RoleId).ToListAsync(context.RequestAborted);
        }
        var roles = await db.GetTable<RoleRecord>().Where(r => roleIds.Contains(r.Id)).OrderBy(r => r.Name).ToListAsync(context.RequestAborted);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "roles", roles, false, (w, r) => RoleApi.Write(w, r, baseUrl));
    }

    /// <summary>Authenticates, resolves target, actor and role (404 for any missing), then enforces the action.</summary>
    private static async Task<(Resolved? Resolved, RoleRecord? Role, IdentityError? Error)> ResolveAsync(
        HttpContext context, GrantPath path, string targetId, string actorId, string? roleId, string action, string systemActionPrefix, GrantContext g)
    {
        var (caller, error) = await g.Access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, null, error);
        }
        await using var db = g.Database.Open();
        var target = new Dictionary<string, object?>();
        switch (path.TargetKind)
        {
            case "projects":
                var project = await db.FindProjectAsync(targetId, context.RequestAborted);
                if (project is null)
                {
                    return (null, null, IdentityError.NotFound($"Could not find project: {targetId}."));
                }
                target["target.project.id"] = project.Id;
                target["target.project.domain_id"] = project.DomainId;
                target["project_id"] = project.Id;
                break;
            case "domains":
                var domain = await db.FindDomainAsync(targetId, context.RequestAborted);
                if (domain is null)
                {
                    return (null, null, IdentityError.NotFound($"Could not find domain: {targetId}."));
                }
                target["target.domain.id"] = domain.Id;
                target["domain_id"] = domain.Id;
                break;
        }
        string? actorDomainId;
        if (path.ActorKind == "users")
        {
            var user = await db.FindUserAsync(actorId, context.RequestAborted);
            if (user is null)
            {
                return (null, null, IdentityError.NotFound($"Could not find user: {actorId}."));
            }
            actorDomainId = user.DomainId;
            target["target.user.id"] = user.Id;
            target["target.user.domain_id"] = user.DomainId;
            target["user_id"] = user.Id;
        }
        else
        {
            var group = await db.GetTable<GroupRecord>().FirstOrDefaultAsync(x => x.Id == actorId, context.RequestAborted);
            if (group is null)
            {
                return (null, null, IdentityError.NotFound($"Could not find group: {actorId}."));
            }
            actorDomainId = group.DomainId;
            target["target.group.id"] = group.Id;
            target["target.group.domain_id"] = group.DomainId;
            target["group_id"] = group.Id;
        }
        RoleRecord? role = null;
        if (roleId is not null)
        {
            role = await db.GetTable<RoleRecord>().FirstOrDefaultAsync(r => r.Id == roleId, context.RequestAborted);
            if (role is null)
            {
                return (null, null, IdentityError.NotFound($"Could not find role: {roleId}."));
            }
            target["target.role.id"] = role.Id;
            target["target.role.domain_id"] = RoleApi.DomainOf(role);
            target["role_id"] = role.Id;
        }
        var fullAction = path.TargetKind == "system" ? systemActionPrefix + (path.ActorKind == "users" ? "user" : "group") : action;
        if (g.Access.Check(caller, fullAction, target) is { } denied)
        {
            return (null, null, denied);
        }
        return (new Resolved(actorId, actorDomainId, path.TargetKind == "system" ? SystemAssignmentRecord.SystemTarget : targetId, target), role, null);
    }

    private static async Task<bool> ExistsAsync(DataConnection db, GrantPath path, Resolved resolved, string roleId, CancellationToken cancellationToken) =>
        path.TargetKind == "system"
            ? await db.GetTable<SystemAssignmentRecord>().AnyAsync(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId && a.RoleId == roleId, cancellationToken)
            : await db.GetTable<AssignmentRecord>().AnyAsync(a => a.Type == TypeOf(path) && a.ActorId == resolved.ActorId && a.TargetId == resolved.TargetId && a.RoleId == roleId && a.Inherited == path.Inherited, cancellationToken);

    private static string TypeOf(GrantPath path) => (path.TargetKind, path.ActorKind) switch
    {
        ("projects", "users") => AssignmentRecord.UserProject,
        ("projects", "groups") => AssignmentRecord.GroupProject,
        ("domains", "users") => AssignmentRecord.UserDomain,
        ("domains", "groups") => AssignmentRecord.GroupDomain,
        ("system", "users") => SystemAssignmentRecord.UserSystem,
        _ => SystemAssignmentRecord.GroupSystem,
    };

    private static IdentityError NotFound(string roleId, Resolved resolved) => IdentityError.NotFound(
        $"Could not find role assignment with role: {roleId}, user or group: {resolved.ActorId}, project, domain, or system: {resolved.TargetId}.");
}
