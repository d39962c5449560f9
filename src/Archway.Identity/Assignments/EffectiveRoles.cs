using Archway.Identity.Resources;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Assignments;

/// <summary>
/// The roles a user holds on a target as Keystone computes them for a token: direct assignments, assignments
/// inherited from the project's domain and parents (OS-INHERIT), then implied roles expanded transitively.
/// Domain-specific roles are not listed in tokens themselves, only the global roles they imply.
/// </summary>
internal static class EffectiveRoles
{
    public static async Task<List<RoleRecord>> OnProjectAsync(DataConnection db, string userId, ProjectRecord project, CancellationToken cancellationToken)
    {
        var ancestors = await db.ProjectAncestorsAsync(project, cancellationToken);
        var ancestorIds = new List<string>(ancestors.Count);
        foreach (var ancestor in ancestors)
        {
            ancestorIds.Add(ancestor.Id);
        }
        var actors = await ActorIdsAsync(db, userId, cancellationToken);
        var roleIds = await db.GetTable<AssignmentRecord>()
            .Where(a => actors.Contains(a.ActorId) && (
                ((a.Type == AssignmentRecord.UserProject || a.Type == AssignmentRecord.GroupProject) && a.TargetId == project.Id && !a.Inherited) ||
                ((a.Type == AssignmentRecord.UserProject || a.Type == AssignmentRecord.GroupProject) && ancestorIds.Contains(a.TargetId) && a.Inherited) ||
                ((a.Type == AssignmentRecord.UserDomain || a.Type == AssignmentRecord.GroupDomain) && a.TargetId == project.DomainId && a.Inherited)))
            .Select(a => a.RoleId)
            .ToListAsync(cancellationToken);
        return await ExpandAsync(db, roleIds, cancellationToken);
    }

    public static async Task<List<RoleRecord>> OnDomainAsync(DataConnection db, string userId, string domainId, CancellationToken cancellationToken)
    {
        var actors = await ActorIdsAsync(db, userId, cancellationToken);
        var roleIds = await db.GetTable<AssignmentRecord>()
            .Where(a => actors.Contains(a.ActorId) && (a.Type == AssignmentRecord.UserDomain || a.Type == AssignmentRecord.GroupDomain)
                        && a.TargetId == domainId && !a.Inherited)
            .Select(a => a.RoleId)
            .ToListAsync(cancellationToken);
        return await ExpandAsync(db, roleIds, cancellationToken);
    }

    public static async Task<List<RoleRecord>> OnSystemAsync(DataConnection db, string userId, CancellationToken cancellationToken)
    {
        var actors = await ActorIdsAsync(db, userId, cancellationToken);
        var roleIds = await db.GetTable<SystemAssignmentRecord>()
            .Where(a => actors.Contains(a.ActorId) && a.TargetId == SystemAssignmentRecord.SystemTarget)
            .Select(a => a.RoleId)
            .ToListAsync(cancellationToken);
        return await ExpandAsync(db, roleIds, cancellationToken);
    }

    /// <summary>Who can carry the user's assignments: the user and every group the user is a member of.</summary>
    internal static async Task<List<string>> ActorIdsAsync(DataConnection db, string userId, CancellationToken cancellationToken)
    {
        var actors = await db.GetTable<Users.UserGroupMembershipRecord>().Where(m => m.UserId == userId)
            .Select(m => m.GroupId).ToListAsync(cancellationToken);
        actors.Add(userId);
        return actors;
    }

    /// <summary>Adds every role the given roles imply, transitively, and drops domain-specific roles.</summary>
    private static async Task<List<RoleRecord>> ExpandAsync(DataConnection db, List<string> roleIds, CancellationToken cancellationToken)
    {
        var result = new List<RoleRecord>();
        if (roleIds.Count == 0)
        {
            return result;
        }
        var implications = await db.GetTable<ImpliedRoleRecord>().ToListAsync(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roleIds);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (!seen.Add(id))
            {
                continue;
            }
            foreach (var implication in implications)
            {
                if (implication.PriorRoleId == id)
                {
                    pending.Push(implication.ImpliedRoleId);
                }
            }
        }
        var roles = await db.GetTable<RoleRecord>().Where(r => seen.Contains(r.Id)).ToListAsync(cancellationToken);
        foreach (var role in roles)
        {
            if (role.DomainId == RoleRecord.GlobalDomainId)
            {
                result.Add(role);
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }
}
