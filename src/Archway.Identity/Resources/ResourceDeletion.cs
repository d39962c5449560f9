using Archway.Identity.Assignments;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Resources;

/// <summary>What goes with a project or a domain when it is deleted, as Keystone cascades it.</summary>
internal static class ResourceDeletion
{
    public static async Task DeleteProjectAsync(DataConnection db, string projectId, CancellationToken cancellationToken)
    {
        await db.GetTable<AssignmentRecord>().Where(a => a.TargetId == projectId
            && (a.Type == AssignmentRecord.UserProject || a.Type == AssignmentRecord.GroupProject)).DeleteAsync(cancellationToken);
        await db.GetTable<ProjectRecord>().Where(p => p.Id == projectId && !p.IsDomain).DeleteAsync(cancellationToken);
    }

    /// <summary>A domain takes its projects, users, groups, domain-specific roles and every assignment on them along.</summary>
    public static async Task DeleteDomainContentsAsync(DataConnection db, string domainId, CancellationToken cancellationToken)
    {
        var projectIds = await db.GetTable<ProjectRecord>().Where(p => p.DomainId == domainId && !p.IsDomain).Select(p => p.Id).ToListAsync(cancellationToken);
        var userIds = await db.GetTable<UserRecord>().Where(u => u.DomainId == domainId).Select(u => u.Id).ToListAsync(cancellationToken);
        var groupIds = await db.GetTable<GroupRecord>().Where(g => g.DomainId == domainId).Select(g => g.Id).ToListAsync(cancellationToken);
        await db.GetTable<AssignmentRecord>().Where(a => a.TargetId == domainId || projectIds.Contains(a.TargetId)
            || userIds.Contains(a.ActorId) || groupIds.Contains(a.ActorId)).DeleteAsync(cancellationToken);
        await db.GetTable<SystemAssignmentRecord>().Where(a => userIds.Contains(a.ActorId) || groupIds.Contains(a.ActorId)).DeleteAsync(cancellationToken);
        await db.GetTable<UserGroupMembershipRecord>().Where(m => userIds.Contains(m.UserId) || groupIds.Contains(m.GroupId)).DeleteAsync(cancellationToken);
        await db.GetTable<GroupRecord>().Where(g => g.DomainId == domainId).DeleteAsync(cancellationToken);
        await db.GetTable<UserRecord>().Where(u => u.DomainId == domainId).DeleteAsync(cancellationToken);
        await db.GetTable<RoleRecord>().Where(r => r.DomainId == domainId).DeleteAsync(cancellationToken);
        // Children before parents: the parent_id chain has no foreign key, but keep the order meaningful.
        await db.GetTable<ProjectRecord>().Where(p => p.DomainId == domainId && !p.IsDomain).DeleteAsync(cancellationToken);
        await db.GetTable<ProjectRecord>().Where(p => p.Id == domainId && p.IsDomain).DeleteAsync(cancellationToken);
    }
}
