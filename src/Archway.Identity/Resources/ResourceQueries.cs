using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Resources;

/// <summary>Domain and project look-ups that authentication, validation and the resource API share.</summary>
internal static class ResourceQueries
{
    public static Task<ProjectRecord?> FindDomainAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<ProjectRecord>().FirstOrDefaultAsync(p => p.Id == id && p.IsDomain, cancellationToken);

    public static Task<ProjectRecord?> FindDomainByNameAsync(this DataConnection db, string name, CancellationToken cancellationToken) =>
        db.GetTable<ProjectRecord>().FirstOrDefaultAsync(
            p => p.Name == name && p.IsDomain && p.DomainId == ProjectRecord.RootDomainId, cancellationToken);

    public static Task<ProjectRecord?> FindProjectAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<ProjectRecord>().FirstOrDefaultAsync(p => p.Id == id && !p.IsDomain, cancellationToken);

    public static Task<ProjectRecord?> FindProjectByNameAsync(this DataConnection db, string name, string domainId, CancellationToken cancellationToken) =>
        db.GetTable<ProjectRecord>().FirstOrDefaultAsync(p => p.Name == name && p.DomainId == domainId && !p.IsDomain, cancellationToken);

    /// <summary>The project's parents, nearest first, stopping below its domain.</summary>
    public static async Task<List<ProjectRecord>> ProjectAncestorsAsync(this DataConnection db, ProjectRecord project, CancellationToken cancellationToken)
    {
        var ancestors = new List<ProjectRecord>();
        var parentId = project.ParentId;
        // A cycle cannot be written through the API; the bound only keeps a damaged database from looping forever.
        while (parentId is not null && parentId != project.DomainId && ancestors.Count < 64)
        {
            var parent = await db.FindProjectAsync(parentId, cancellationToken);
            if (parent is null)
            {
                break;
            }
            ancestors.Add(parent);
            parentId = parent.ParentId;
        }
        return ancestors;
    }
}
