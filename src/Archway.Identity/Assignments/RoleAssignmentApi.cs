using System.Text.Json;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Assignments;

/// <summary>
/// GET /v3/role_assignments: every assignment, with Keystone's filters (user.id, group.id, role.id,
/// scope.project.id, scope.domain.id, scope.system, scope.OS-INHERIT:inherited_to) and the effective view (group
/// memberships expanded to users, inherited grants to the projects they reach, implied roles added).
/// </summary>
internal static class RoleAssignmentApi
{
    private sealed record Entry(string? UserId, string? GroupId, string RoleId, string? ProjectId, string? DomainId, bool System, bool Inherited,
        string? ViaGroupId = null, string? ImpliedFrom = null, string? InheritedFromId = null, bool InheritedFromDomain = false);

    public static IEndpointRouteBuilder MapRoleAssignmentApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v3/role_assignments", [HttpMethods.Get, HttpMethods.Head], List);
        return routes;
    }

    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database)
    {
        var query = context.Request.Query;
        string? Q(string key) => query.TryGetValue(key, out var v) ? v.ToString() : null;
        var userId = Q("user.id");
        var groupId = Q("group.id");
        var roleId = Q("role.id");
        var projectId = Q("scope.project.id");
        var domainId = Q("scope.domain.id");
        var system = Q("scope.system");
        var inheritedTo = Q("scope.OS-INHERIT:inherited_to");
        var effective = query.ContainsKey("effective");
        var includeNames = query.ContainsKey("include_names");
        var includeSubtree = query.ContainsKey("include_subtree");

        // Only the filters given: a None in the target would match a None credential (oslo compares text).
        var target = new Dictionary<string, object?>();
        foreach (var (key, value) in new[] { ("scope.project.id", projectId), ("scope.domain.id", domainId), ("user.id", userId), ("group.id", groupId) })
        {
            if (value is not null)
            {
                target["filter_attr." + key] = value;
                target[key] = value;
            }
        }
        var (caller, callerError) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return callerError!;
        }
        // keystone/api/role_assignments.py: the list's target is the token's domain (for a domain-scoped token), the
        // subtree's the project named by scope.project.id.
        string? scopeDomain = null;
        if (includeSubtree)
        {
            if (!string.IsNullOrEmpty(projectId))
            {
                await using var lookup = database.Open();
                if (await lookup.FindProjectAsync(projectId, context.RequestAborted) is not { } scopeProject)
                {
                    return IdentityError.NotFound($"Could not find project: {projectId}.");
                }
                foreach (var (key, value) in Target.Project(scopeProject))
                {
                    target[key] = value;
                }
            }
        }
        else if (caller.Domain is not null)
        {
            scopeDomain = caller.Domain.Id;
            target["target.domain_id"] = scopeDomain;
        }
        var action = includeSubtree ? "identity:list_role_assignments_for_tree" : "identity:list_role_assignments";
        if (access.Check(caller, action, target) is { } denied)
        {
            return denied;
        }
        if (effective && groupId is not null)
        {
            return IdentityError.BadRequest("Combining effective and group filter will always result in an empty list.");
        }
        if (projectId is not null && domainId is not null)
        {
            return IdentityError.BadRequest("Specify a domain or project, not both");
        }
        if (includeSubtree && projectId is null)
        {
            return IdentityError.BadRequest("scope.project.id must be specified if include_subtree is also specified");
        }

        await using var db = database.Open();
        var assignments = await db.GetTable<AssignmentRecord>().ToListAsync(context.RequestAborted);
        var systemAssignments = await db.GetTable<SystemAssignmentRecord>().ToListAsync(context.RequestAborted);
        var projects = await db.GetTable<ProjectRecord>().ToListAsync(context.RequestAborted);
        var entries = new List<Entry>();
        foreach (var a in assignments)
        {
            var isUser = a.Type is AssignmentRecord.UserProject or AssignmentRecord.UserDomain;
            var onProject = a.Type is AssignmentRecord.UserProject or AssignmentRecord.GroupProject;
            entries.Add(new Entry(isUser ? a.ActorId : null, isUser ? null : a.ActorId, a.RoleId,
                onProject ? a.TargetId : null, onProject ? null : a.TargetId, false, a.Inherited));
        }
        foreach (var a in systemAssignments)
        {
            var isUser = a.Type == SystemAssignmentRecord.UserSystem;
            entries.Add(new Entry(isUser ? a.ActorId : null, isUser ? null : a.ActorId, a.RoleId, null, null, true, a.Inherited));
        }

        if (effective)
        {
            var memberships = await db.GetTable<UserGroupMembershipRecord>().ToListAsync(context.RequestAborted);
            var implications = await db.GetTable<ImpliedRoleRecord>().ToListAsync(context.RequestAborted);
            entries = Expand(entries, memberships, implications, projects);
        }

        HashSet<string>? subtreeIds = null;
        if (includeSubtree && projectId is not null)
        {
            subtreeIds = [projectId];
            var grew = true;
            while (grew)
            {
                grew = false;
                foreach (var p in projects)
                {
                    if (!p.IsDomain && p.ParentId is not null && subtreeIds.Contains(p.ParentId) && subtreeIds.Add(p.Id))
                    {
                        grew = true;
                    }
                }
            }
        }

        var result = new List<Entry>();
        foreach (var e in entries)
        {
            if ((userId is not null && e.UserId != userId)
                || (groupId is not null && e.GroupId != groupId)
                || (roleId is not null && e.RoleId != roleId)
                || (projectId is not null && (subtreeIds is null ? e.ProjectId != projectId : e.ProjectId is null || !subtreeIds.Contains(e.ProjectId)))
                || (domainId is not null && e.DomainId != domainId)
                || (system is not null && !e.System)
                || (inheritedTo is not null && !e.Inherited)
                || (scopeDomain is not null && !InDomain(e, scopeDomain, projects)))
            {
                continue;
            }
            result.Add(e);
        }

        Dictionary<string, RoleRecord>? roles = null;
        Dictionary<string, ProjectRecord>? projectsById = null;
        Dictionary<string, UserRecord>? users = null;
        Dictionary<string, GroupRecord>? groups = null;
        if (includeNames)
        {
            roles = (await db.GetTable<RoleRecord>().ToListAsync(context.RequestAborted)).ToDictionary(r => r.Id, StringComparer.Ordinal);
            projectsById = projects.ToDictionary(p => p.Id, StringComparer.Ordinal);
            users = (await db.GetTable<UserRecord>().ToListAsync(context.RequestAborted)).ToDictionary(u => u.Id, StringComparer.Ordinal);
            groups = (await db.GetTable<GroupRecord>().ToListAsync(context.RequestAborted)).ToDictionary(g => g.Id, StringComparer.Ordinal);
        }
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "role_assignments", result, false, (w, e) =>
            Write(w, e, baseUrl, roles, projectsById, users, groups));
    }

    /// <summary>Keystone's effective view: groups become their members, inherited grants land on the projects below.</summary>
    /// <summary>A domain-scoped caller sees the assignments on its domain and on the projects in it, as Keystone filters.</summary>
    private static bool InDomain(Entry entry, string domainId, List<ProjectRecord> projects) =>
        entry.DomainId == domainId || (entry.ProjectId is not null && projects.Exists(p => p.Id == entry.ProjectId && p.DomainId == domainId));

    private static List<Entry> Expand(List<Entry> entries, List<UserGroupMembershipRecord> memberships, List<ImpliedRoleRecord> implications, List<ProjectRecord> projects)
    {
        var byUser = new List<Entry>();
        foreach (var e in entries)
        {
            if (e.GroupId is null)
            {
                byUser.Add(e);
                continue;
            }
            foreach (var m in memberships)
            {
                if (m.GroupId == e.GroupId)
                {
                    byUser.Add(e with { UserId = m.UserId, GroupId = null, ViaGroupId = e.GroupId });
                }
            }
        }
        var scoped = new List<Entry>();
        foreach (var e in byUser)
        {
            if (!e.Inherited)
            {
                scoped.Add(e);
                continue;
            }
            foreach (var p in projects)
            {
                if (p.IsDomain)
                {
                    continue;
                }
                if ((e.DomainId is not null && p.DomainId == e.DomainId) || (e.ProjectId is not null && IsBelow(p, e.ProjectId, projects)))
                {
                    scoped.Add(e with { ProjectId = p.Id, DomainId = null, Inherited = false, InheritedFromId = e.DomainId ?? e.ProjectId, InheritedFromDomain = e.DomainId is not null });
                }
            }
        }
        var withImplied = new List<Entry>(scoped);
        foreach (var e in scoped)
        {
            var pending = new Stack<string>([e.RoleId]);
            var seen = new HashSet<string>(StringComparer.Ordinal) { e.RoleId };
            while (pending.Count > 0)
            {
                var prior = pending.Pop();
                foreach (var rule in implications)
                {
                    if (rule.PriorRoleId == prior && seen.Add(rule.ImpliedRoleId))
                    {
                        withImplied.Add(e with { RoleId = rule.ImpliedRoleId, ImpliedFrom = prior });
                        pending.Push(rule.ImpliedRoleId);
                    }
                }
            }
        }
        return withImplied;
    }

    private static bool IsBelow(ProjectRecord project, string ancestorId, List<ProjectRecord> projects)
    {
        var parentId = project.ParentId;
        for (var depth = 0; parentId is not null && depth < 64; depth++)
        {
            if (parentId == ancestorId)
            {
                return true;
            }
            parentId = projects.Find(p => p.Id == parentId)?.ParentId;
        }
        return false;
    }

    private static void Write(Utf8JsonWriter w, Entry e, string baseUrl, Dictionary<string, RoleRecord>? roles,
        Dictionary<string, ProjectRecord>? projects, Dictionary<string, UserRecord>? users, Dictionary<string, GroupRecord>? groups)
    {
        w.WriteStartObject();
        w.WriteStartObject("role");
        w.WriteString("id", e.RoleId);
        if (roles is not null && roles.TryGetValue(e.RoleId, out var role))
        {
            w.WriteString("name", role.Name);
            if (RoleApi.DomainOf(role) is { } roleDomain)
            {
                WriteDomain(w, roleDomain, projects);
            }
        }
        w.WriteEndObject();
        if (e.UserId is not null)
        {
            w.WriteStartObject("user");
            w.WriteString("id", e.UserId);
            if (users is not null && users.TryGetValue(e.UserId, out var user))
            {
                w.WriteString("name", user.Name);
                WriteDomain(w, user.DomainId, projects);
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartObject("group");
            w.WriteString("id", e.GroupId);
            if (groups is not null && groups.TryGetValue(e.GroupId!, out var group))
            {
                w.WriteString("name", group.Name);
                WriteDomain(w, group.DomainId, projects);
            }
            w.WriteEndObject();
        }
        w.WriteStartObject("scope");
        if (e.System)
        {
            w.WriteStartObject("system");
            w.WriteBoolean("all", true);
            w.WriteEndObject();
        }
        else
        {
            var kind = e.ProjectId is not null ? "project" : "domain";
            var id = e.ProjectId ?? e.DomainId!;
            w.WriteStartObject(kind);
            w.WriteString("id", id);
            if (projects is not null && projects.TryGetValue(id, out var scope))
            {
                w.WriteString("name", scope.Name);
                if (!scope.IsDomain)
                {
                    WriteDomain(w, scope.DomainId, projects);
                }
            }
            w.WriteEndObject();
            if (e.Inherited)
            {
                w.WriteString("OS-INHERIT:inherited_to", "projects");
            }
        }
        w.WriteEndObject();
        w.WriteStartObject("links");
        w.WriteString("assignment", AssignmentLink(e, baseUrl));
        if (e.ViaGroupId is not null)
        {
            w.WriteString("membership", $"{baseUrl}/v3/groups/{e.ViaGroupId}/users/{e.UserId}");
        }
        if (e.ImpliedFrom is not null)
        {
            w.WriteString("prior_role", $"{baseUrl}/v3/roles/{e.ImpliedFrom}");
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string AssignmentLink(Entry e, string baseUrl)
    {
        var actor = e.ViaGroupId is not null ? $"groups/{e.ViaGroupId}" : e.UserId is not null ? $"users/{e.UserId}" : $"groups/{e.GroupId}";
        if (e.System)
        {
            return $"{baseUrl}/v3/system/{actor}/roles/{e.RoleId}";
        }
        if (e.InheritedFromId is not null)
        {
            var from = e.InheritedFromDomain ? "domains" : "projects";
            return $"{baseUrl}/v3/OS-INHERIT/{from}/{e.InheritedFromId}/{actor}/roles/{e.RoleId}/inherited_to_projects";
        }
        var target = e.ProjectId is not null ? $"projects/{e.ProjectId}" : $"domains/{e.DomainId}";
        return e.Inherited
            ? $"{baseUrl}/v3/OS-INHERIT/{target}/{actor}/roles/{e.RoleId}/inherited_to_projects"
            : $"{baseUrl}/v3/{target}/{actor}/roles/{e.RoleId}";
    }

    private static void WriteDomain(Utf8JsonWriter w, string domainId, Dictionary<string, ProjectRecord>? projects)
    {
        w.WriteStartObject("domain");
        w.WriteString("id", domainId);
        if (projects is not null && projects.TryGetValue(domainId, out var domain))
        {
            w.WriteString("name", domain.Name);
        }
        w.WriteEndObject();
    }
}
