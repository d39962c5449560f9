using Archway.Identity.Resources;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Assignments;

/// <summary>
/// The enabled projects a user has any role on: direct assignments, inherited ones from a domain (every project in
/// it) and from a parent project (its whole subtree).
/// </summary>
internal static class ProjectsForUser
{
    public static async Task<List<ProjectRecord>> ListAsync(DataConnection db, string userId, CancellationToken cancellationToken)
    {
        var assignments = await db.GetTable<AssignmentRecord>()
            .Where(a => a.ActorId == userId && (a.Type == AssignmentRecord.UserProject || (a.Type == AssignmentRecord.UserDomain && a.Inherited)))
            .ToListAsync(cancellationToken);
        if (assignments.Count == 0)
        {
            return [];
        }
        var projects = await db.GetTable<ProjectRecord>().Where(p => !p.IsDomain).ToListAsync(cancellationToken);
        var byId = projects.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            if (assignment.Type == AssignmentRecord.UserDomain)
            {
                foreach (var project in projects)
                {
                    if (project.DomainId == assignment.TargetId)
                    {
                        chosen.Add(project.Id);
                    }
                }
            }
            else if (!assignment.Inherited)
            {
                chosen.Add(assignment.TargetId);
            }
            else
            {
                foreach (var project in projects)
                {
                    if (IsBelow(project, assignment.TargetId, byId))
                    {
                        chosen.Add(project.Id);
                    }
                }
            }
        }
        var result = new List<ProjectRecord>();
        foreach (var project in projects)
        {
            if (chosen.Contains(project.Id) && project.Enabled)
            {
                result.Add(project);
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    private static bool IsBelow(ProjectRecord project, string ancestorId, Dictionary<string, ProjectRecord> byId)
    {
        var parentId = project.ParentId;
        for (var depth = 0; parentId is not null && depth < 64; depth++)
        {
            if (parentId == ancestorId)
            {
                return true;
            }
            parentId = byId.TryGetValue(parentId, out var parent) ? parent.ParentId : null;
        }
        return false;
    }
}
