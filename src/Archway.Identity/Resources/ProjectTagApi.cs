using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Schema;
using LinqToDB;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Resources;

/// <summary>/v3/projects/{id}/tags and /v3/projects/{id}/tags/{tag}.</summary>
internal static class ProjectTagApi
{
    public static IEndpointRouteBuilder MapProjectTagApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v3/projects/{projectId}/tags", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapPut("/v3/projects/{projectId}/tags", Replace);
        routes.MapDelete("/v3/projects/{projectId}/tags", DeleteAll);
        routes.MapMethods("/v3/projects/{projectId}/tags/{tag}", [HttpMethods.Get, HttpMethods.Head], Check);
        routes.MapPut("/v3/projects/{projectId}/tags/{tag}", Add);
        routes.MapDelete("/v3/projects/{projectId}/tags/{tag}", Delete);
        return routes;
    }

    private static async Task<(ProjectRecord? Project, IdentityError? Error)> LoadAsync(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, error);
        }
        await using var db = database.Open();
        var project = await db.FindProjectAsync(projectId, context.RequestAborted);
        if (project is null)
        {
            return (null, IdentityError.NotFound($"Could not find project: {projectId}."));
        }
        return access.Check(caller, action, Target.Project(project)) is { } denied ? (null, denied) : (project, null);
    }

    private static JsonResult TagsResult(List<string> tags, int status = StatusCodes.Status200OK) => new(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("tags");
        foreach (var tag in tags)
        {
            w.WriteStringValue(tag);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }, status);

    private static async Task<IResult> List(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:list_project_tags");
        return project is null ? error! : TagsResult(ProjectTags.Parse(project.Tags));
    }

    private static async Task<IResult> Replace(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:update_project_tags");
        if (project is null)
        {
            return error!;
        }
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, options.MaxRequestBodySize, context.RequestAborted);
        if (document is null)
        {
            return bodyError!;
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("tags", out var element))
            {
                return IdentityError.Schema("", "{} is not of type 'array'");
            }
            var tags = ProjectTags.Validate(element, "", out var invalid);
            if (tags is null)
            {
                return invalid!;
            }
            await SaveAsync(database, project, tags, context.RequestAborted);
            return TagsResult(tags);
        }
    }

    private static async Task<IResult> DeleteAll(HttpContext context, string projectId, ApiAccess access, IdentityDatabase database)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:delete_project_tags");
        if (project is null)
        {
            return error!;
        }
        await SaveAsync(database, project, [], context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> Check(HttpContext context, string projectId, string tag, ApiAccess access, IdentityDatabase database)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:get_project_tag");
        if (project is null)
        {
            return error!;
        }
        return ProjectTags.Parse(project.Tags).Contains(tag) ? Results.NoContent() : IdentityError.NotFound($"Could not find project tag: {tag}.");
    }

    private static async Task<IResult> Add(HttpContext context, string projectId, string tag, ApiAccess access, IdentityDatabase database)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:create_project_tag");
        if (project is null)
        {
            return error!;
        }
        if (ProjectTags.CheckTag(tag, "") is { } invalid)
        {
            return invalid;
        }
        var tags = ProjectTags.Parse(project.Tags);
        if (!tags.Contains(tag))
        {
            if (tags.Count >= ProjectTags.MaxTags)
            {
                return IdentityError.Schema("", "[...] is too long");
            }
            tags.Add(tag);
            await SaveAsync(database, project, tags, context.RequestAborted);
        }
        context.Response.Headers.Location = $"{IdentityUrls.BaseUrl(context)}/v3/projects/{project.Id}/tags/{Uri.EscapeDataString(tag)}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> Delete(HttpContext context, string projectId, string tag, ApiAccess access, IdentityDatabase database)
    {
        var (project, error) = await LoadAsync(context, projectId, access, database, "identity:delete_project_tag");
        if (project is null)
        {
            return error!;
        }
        var tags = ProjectTags.Parse(project.Tags);
        if (!tags.Remove(tag))
        {
            return IdentityError.NotFound($"Could not find project tag: {tag}.");
        }
        await SaveAsync(database, project, tags, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task SaveAsync(IdentityDatabase database, ProjectRecord project, List<string> tags, CancellationToken cancellationToken)
    {
        await using var db = database.Open();
        var json = ProjectTags.Serialize(tags);
        await db.GetTable<ProjectRecord>().Where(p => p.Id == project.Id).Set(p => p.Tags, json).UpdateAsync(cancellationToken);
    }
}
