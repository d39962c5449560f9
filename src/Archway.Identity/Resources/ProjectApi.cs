using System.Text.Json;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Resources;

/// <summary>/v3/projects: projects in a hierarchy under their domain.</summary>
internal static class ProjectApi
{
    /// <summary>Keystone's [resource] max_project_tree_depth default.</summary>
    private const int MaxProjectTreeDepth = 5;

    private static readonly Dictionary<string, Func<ProjectRecord, string?>> Filters = new()
    {
        ["name"] = p => p.Name,
        ["domain_id"] = p => p.DomainId,
        ["enabled"] = p => ListQuery<ProjectRecord>.Bool(p.Enabled),
        ["parent_id"] = p => p.ParentId,
        ["is_domain"] = p => ListQuery<ProjectRecord>.Bool(p.IsDomain),
        ["id"] = p => p.Id,
    };

    public static IEndpointRouteBuilder MapProjectApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/projects", Create);
        routes.MapMethods("/v3/projects", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/projects/{projectId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/projects/{projectId}", Update);
        routes.MapDelete("/v3/projects/{projectId}", Delete);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "project", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: true);
            var description = body.String("description", nullable: true);
            var enabled = body.Boolean("enabled");
            var isDomain = body.Boolean("is_domain") ?? false;
            var domainId = body.Id("domain_id");
            var parentId = body.Id("parent_id");
            var tags = ProjectTags.Read(body);
            body.Raw("options");
            if (body.Error is not null)
            {
                return body.Error;
            }
            // As Keystone: without a domain_id the project goes to the caller's domain (its domain-scoped domain, or
            // the domain of its project), then to the parent's domain.
            domainId ??= caller.Domain?.Id ?? caller.Project?.DomainId ?? options.DefaultDomainId;
            if (access.Check(caller, "identity:create_project", Target.Of("project", domainId)) is { } denied)
            {
                return denied;
            }
            if (isDomain)
            {
                return IdentityError.BadRequest("Creating projects acting as domains is done with POST /v3/domains.");
            }
            await using var db = database.Open();
            var domain = await db.FindDomainAsync(domainId, context.RequestAborted);
            if (domain is null)
            {
                return IdentityError.NotFound($"Could not find domain: {domainId}.");
            }
            parentId ??= domain.Id;
            var (parentError, depth) = await CheckParentAsync(db, parentId, domain.Id, context.RequestAborted);
            if (parentError is not null)
            {
                return parentError;
            }
            if (depth >= MaxProjectTreeDepth)
            {
                return IdentityError.Forbidden($"Max hierarchy depth reached for {parentId} branch.");
            }
            var project = new ProjectRecord
            {
                Id = DomainApi.NewId(),
                Name = name!.Trim(),
                Description = description ?? "",
                Enabled = enabled ?? true,
                DomainId = domain.Id,
                ParentId = parentId,
                IsDomain = false,
                Tags = tags is null ? null : ProjectTags.Serialize(tags),
                Extra = body.ExtraJson(null),
            };
            if (await db.FindProjectByNameAsync(project.Name, domain.Id, context.RequestAborted) is not null)
            {
                return Duplicate(project);
            }
            try
            {
                await db.InsertAsync(project, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(project);
            }
            return CollectionJson.Member("project", project, (w, p) => ProjectJson.Write(w, p, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    /// <summary>The parent must exist in the same domain and every project up the branch be enabled.</summary>
    private static async Task<(IdentityError? Error, int Depth)> CheckParentAsync(DataConnection db, string parentId, string domainId, CancellationToken cancellationToken)
    {
        if (parentId == domainId)
        {
            return (null, 0);
        }
        var parent = await db.FindProjectAsync(parentId, cancellationToken);
        if (parent is null)
        {
            return (IdentityError.NotFound($"Could not find project: {parentId}."), 0);
        }
        if (parent.DomainId != domainId)
        {
            return (IdentityError.BadRequest($"Cannot create project, since it specifies its domain_id {domainId}, but specifies a parent in a different domain ({parent.DomainId})."), 0);
        }
        var branch = await db.ProjectAncestorsAsync(parent, cancellationToken);
        branch.Insert(0, parent);
        foreach (var project in branch)
        {
            if (!project.Enabled)
            {
                return (IdentityError.BadRequest($"cannot create a project in a branch containing a disabled project: {project.Id}"), 0);
            }
        }
        return (null, branch.Count);
    }

    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, IdentityStateCache cache, KeystoneOptions options)
    {
        var domainFilter = context.Request.Query["domain_id"].FirstOrDefault();
        var (caller, callerError) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return callerError!;
        }
        if (access.Check(caller, "identity:list_projects", Target.ListScope(caller, "target.domain_id", domainFilter)) is { } denied)
        {
            return denied;
        }
        await using var db = database.Open();
        var projects = await cache.AllProjectsAsync(db, context.RequestAborted);
        var query = context.Request.Query;
        // A domain-scoped token lists only its own domain's projects, whatever the query asks (as Keystone filters).
        var scopeDomainId = caller.Domain?.Id;
        var tagFilter = ProjectTags.Filter(query);
        var tagged = projects.Where(p => (scopeDomainId is null || p.DomainId == scopeDomainId) && (tagFilter is null || tagFilter(p.Tags))).ToList();
        var (items, truncated) = ListQuery<ProjectRecord>.From(query, Filters).Apply(tagged, options.ListLimit);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "projects", items, truncated, (w, p) => ProjectJson.Write(w, p, baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var project = await db.FindProjectAsync(projectId, context.RequestAborted);
        if (project is null)
        {
            return NotFound(projectId);
        }
        if (access.Check(caller, "identity:get_project", Target.Project(project)) is { } denied)
        {
            return denied;
        }
        var query = context.Request.Query;
        List<ProjectRecord>? parents = null, subtree = null;
        if (query.ContainsKey("parents_as_list") || query.ContainsKey("parents_as_ids"))
        {
            parents = await db.ProjectAncestorsAsync(project, context.RequestAborted);
        }
        if (query.ContainsKey("subtree_as_list") || query.ContainsKey("subtree_as_ids"))
        {
            subtree = await SubtreeAsync(db, project, context.RequestAborted);
        }
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("project");
            ProjectJson.Write(writer, project, baseUrl, w =>
            {
                if (parents is not null)
                {
                    WriteRelatives(w, "parents", parents, query.ContainsKey("parents_as_list"), baseUrl, p => p.ParentId);
                }
                if (subtree is not null)
                {
                    WriteRelatives(w, "subtree", subtree, query.ContainsKey("subtree_as_list"), baseUrl, p => p.ParentId);
                }
            });
            writer.WriteEndObject();
        });
    }

    private static void WriteRelatives(Utf8JsonWriter writer, string name, List<ProjectRecord> relatives, bool asList, string baseUrl, Func<ProjectRecord, string?> _)
    {
        if (asList)
        {
            writer.WriteStartArray(name);
            foreach (var relative in relatives)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("project");
                ProjectJson.Write(writer, relative, baseUrl);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        else
        {
            // The *_as_ids forms: a flat map of id -> null is what Keystone returns for a single level.
            writer.WriteStartObject(name);
            foreach (var relative in relatives)
            {
                writer.WriteNull(relative.Id);
            }
            writer.WriteEndObject();
        }
    }

    private static async Task<IResult> Update(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database, RevocationList revocations, KeystoneOptions options, TimeProvider time)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var project = await db.FindProjectAsync(projectId, context.RequestAborted);
        if (project is null)
        {
            return NotFound(projectId);
        }
        if (access.Check(caller, "identity:update_project", Target.Project(project)) is { } denied)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "project", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: false);
            var description = body.String("description", nullable: true);
            var enabled = body.Boolean("enabled");
            var domainId = body.Id("domain_id");
            var parentId = body.Id("parent_id");
            var isDomain = body.Boolean("is_domain");
            var tags = ProjectTags.Read(body);
            body.Raw("options");
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (domainId is not null && domainId != project.DomainId)
            {
                return IdentityError.BadRequest("Update of `domain_id` is not allowed.");
            }
            if (parentId is not null && parentId != project.ParentId)
            {
                return IdentityError.Forbidden("Update of `parent_id` is not allowed.");
            }
            if (isDomain is not null && isDomain != project.IsDomain)
            {
                return IdentityError.BadRequest("Update of `is_domain` is not allowed.");
            }
            var disabling = project.Enabled && enabled == false;
            if (disabling)
            {
                var children = await SubtreeAsync(db, project, context.RequestAborted);
                if (children.Exists(c => c.Enabled))
                {
                    return IdentityError.Forbidden($"cannot disable project {project.Id} since its subtree contains enabled projects.");
                }
            }
            if (enabled == true && !project.Enabled && project.ParentId is { } parent && parent != project.DomainId
                && await db.FindProjectAsync(parent, context.RequestAborted) is { Enabled: false })
            {
                return IdentityError.Forbidden($"cannot enable project {project.Id} since it has disabled parents");
            }
            if (name is not null)
            {
                name = name.Trim();
                if (name != project.Name && await db.FindProjectByNameAsync(name, project.DomainId, context.RequestAborted) is not null)
                {
                    project.Name = name;
                    return Duplicate(project);
                }
                project.Name = name;
            }
            if (body.Has("description"))
            {
                project.Description = description ?? "";
            }
            project.Enabled = enabled ?? project.Enabled;
            if (tags is not null)
            {
                project.Tags = ProjectTags.Serialize(tags);
            }
            project.Extra = body.ExtraJson(project.Extra);
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            try
            {
                await db.UpdateAsync(project, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(project);
            }
            if (disabling)
            {
                await revocations.RevokeAsync(db, Revocation.For(time, projectId: project.Id), context.RequestAborted);
            }
            await transaction.CommitAsync(context.RequestAborted);
            return CollectionJson.Member("project", project, (w, p) => ProjectJson.Write(w, p, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var project = await db.FindProjectAsync(projectId, context.RequestAborted);
        if (project is null)
        {
            return NotFound(projectId);
        }
        if (access.Check(caller, "identity:delete_project", Target.Project(project)) is { } denied)
        {
            return denied;
        }
        if (await db.GetTable<ProjectRecord>().AnyAsync(p => p.ParentId == project.Id && !p.IsDomain, context.RequestAborted))
        {
            return IdentityError.Forbidden($"Cannot delete the project {project.Id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.");
        }
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        await ResourceDeletion.DeleteProjectAsync(db, project.Id, context.RequestAborted);
        await revocations.RevokeAsync(db, Revocation.For(time, projectId: project.Id), context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    internal static async Task<List<ProjectRecord>> SubtreeAsync(DataConnection db, ProjectRecord root, CancellationToken cancellationToken)
    {
        var all = await db.GetTable<ProjectRecord>().Where(p => p.DomainId == root.DomainId && !p.IsDomain).ToListAsync(cancellationToken);
        var result = new List<ProjectRecord>();
        var frontier = new Queue<string>([root.Id]);
        while (frontier.Count > 0)
        {
            var id = frontier.Dequeue();
            foreach (var child in all)
            {
                if (child.ParentId == id && !result.Contains(child))
                {
                    result.Add(child);
                    frontier.Enqueue(child.Id);
                }
            }
        }
        return result;
    }

    private static IdentityError NotFound(string projectId) => IdentityError.NotFound($"Could not find project: {projectId}.");

    private static IdentityError Duplicate(ProjectRecord project) => IdentityError.Conflict("project",
        $"it is not permitted to have two projects with either the same name or same id in the same domain: name is {project.Name}, project id {project.Id}");
}
