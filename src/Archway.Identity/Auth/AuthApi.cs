using System.Text.Json;
using Archway.Identity.Assignments;
using Archway.Identity.Catalog;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Auth;

/// <summary>/v3/auth: issue, validate and revoke tokens, and what a token may be scoped to.</summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/v3/auth");
        auth.MapPost("/tokens", IssueToken);
        auth.MapMethods("/tokens", [HttpMethods.Get, HttpMethods.Head], ValidateToken);
        auth.MapDelete("/tokens", RevokeToken);
        auth.MapMethods("/catalog", [HttpMethods.Get, HttpMethods.Head], GetCatalog);
        auth.MapMethods("/projects", [HttpMethods.Get, HttpMethods.Head], GetProjects);
        auth.MapMethods("/domains", [HttpMethods.Get, HttpMethods.Head], GetDomains);
        auth.MapMethods("/system", [HttpMethods.Get, HttpMethods.Head], GetSystem);
        return routes;
    }

    private static async Task<IResult> IssueToken(HttpContext context, Authenticator authenticator, IdentityDatabase database, IdentityStateCache cache, KeystoneOptions options)
    {
        var cancellationToken = context.RequestAborted;
        var (document, bodyError) = await JsonBody.ReadAsync(context.Request, options.MaxRequestBodySize, cancellationToken);
        if (document is null)
        {
            return bodyError!;
        }
        using (document)
        {
            var request = AuthRequest.Parse(document.RootElement, out var parseError);
            if (request is null)
            {
                return parseError!;
            }
            var (token, error) = await authenticator.AuthenticateAsync(request, cancellationToken);
            if (token is null)
            {
                return error!;
            }
            var catalog = await CatalogFor(context, database, cache, token);
            context.Response.Headers["X-Subject-Token"] = token.Id;
            return new TokenResult(token, catalog, StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> ValidateToken(HttpContext context, TokenService tokens, IdentityDatabase database, IdentityStateCache cache, ApiAccess access)
    {
        var (caller, callerError) = await CallerToken.AuthenticateAsync(context, tokens);
        if (caller is null)
        {
            return callerError!;
        }
        var subjectId = context.Request.Headers["X-Subject-Token"].ToString();
        if (subjectId.Length == 0)
        {
            return IdentityError.TokenNotFound("No token in the request");
        }
        var allowExpired = IsTrue(context.Request.Query["allow_expired"]);
        var (subject, error) = await tokens.ValidateAsync(subjectId, allowExpired, context.RequestAborted);
        if (subject is null)
        {
            return error!;
        }
        // keystone/api/auth.py: HEAD is identity:check_token, GET identity:validate_token.
        var action = HttpMethods.IsHead(context.Request.Method) ? "identity:check_token" : "identity:validate_token";
        if (access.Check(caller, action, Target.Token(subject)) is { } denied)
        {
            return denied;
        }
        var catalog = await CatalogFor(context, database, cache, subject);
        context.Response.Headers["X-Subject-Token"] = subject.Id;
        return new TokenResult(subject, catalog, StatusCodes.Status200OK);
    }

    private static async Task<IResult> RevokeToken(HttpContext context, TokenService tokens, ApiAccess access)
    {
        var (caller, callerError) = await CallerToken.AuthenticateAsync(context, tokens);
        if (caller is null)
        {
            return callerError!;
        }
        var subjectId = context.Request.Headers["X-Subject-Token"].ToString();
        if (subjectId.Length == 0)
        {
            return IdentityError.TokenNotFound("No token in the request");
        }
        var (subject, error) = await tokens.ValidateAsync(subjectId, allowExpired: false, context.RequestAborted);
        if (subject is null)
        {
            return error!;
        }
        if (access.Check(caller, "identity:revoke_token", Target.Token(subject)) is { } denied)
        {
            return denied;
        }
        await tokens.RevokeAsync(subject, context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetCatalog(HttpContext context, ApiAccess access, IdentityDatabase database, IdentityStateCache cache)
    {
        // Keystone enforces an empty rule on the four /v3/auth/{catalog,projects,domains,system}; an operator's
        // policy file may set one.
        var (caller, callerError) = await access.AuthorizeAsync(context, "identity:get_auth_catalog");
        if (caller is null)
        {
            return callerError!;
        }
        if (caller.Project is null)
        {
            return IdentityError.Forbidden("A project-scoped token is required to produce a service catalog.");
        }
        var catalog = await ServiceCatalog.BuildAsync(database, cache, caller.User.Id, caller.Project.Id, context.RequestAborted);
        var self = IdentityUrls.BaseUrl(context) + "/v3/auth/catalog";
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("catalog");
            TokenJson.WriteCatalog(writer, catalog);
            writer.WriteStartObject("links");
            writer.WriteString("self", self);
            writer.WriteNull("previous");
            writer.WriteNull("next");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> GetProjects(HttpContext context, ApiAccess access, IdentityDatabase database)
    {
        var (caller, callerError) = await access.AuthorizeAsync(context, "identity:get_auth_projects");
        if (caller is null)
        {
            return callerError!;
        }
        await using var db = database.Open();
        var projects = await ProjectsForUser.ListAsync(db, caller.User.Id, context.RequestAborted);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("projects");
            foreach (var project in projects)
            {
                ProjectJson.Write(writer, project, baseUrl);
            }
            writer.WriteEndArray();
            ProjectJson.WriteCollectionLinks(writer, baseUrl + "/v3/auth/projects");
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> GetDomains(HttpContext context, ApiAccess access, IdentityDatabase database)
    {
        var (caller, callerError) = await access.AuthorizeAsync(context, "identity:get_auth_domains");
        if (caller is null)
        {
            return callerError!;
        }
        await using var db = database.Open();
        var domainIds = await db.GetTable<AssignmentRecord>()
            .Where(a => a.ActorId == caller.User.Id && a.Type == AssignmentRecord.UserDomain && !a.Inherited)
            .Select(a => a.TargetId).Distinct().ToListAsync(context.RequestAborted);
        var domains = await db.GetTable<ProjectRecord>()
            .Where(p => p.IsDomain && p.Enabled && domainIds.Contains(p.Id)).OrderBy(p => p.Name).ToListAsync(context.RequestAborted);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("domains");
            foreach (var domain in domains)
            {
                ProjectJson.WriteDomain(writer, domain, baseUrl);
            }
            writer.WriteEndArray();
            ProjectJson.WriteCollectionLinks(writer, baseUrl + "/v3/auth/domains");
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> GetSystem(HttpContext context, ApiAccess access, IdentityDatabase database)
    {
        var (caller, callerError) = await access.AuthorizeAsync(context, "identity:get_auth_system");
        if (caller is null)
        {
            return callerError!;
        }
        await using var db = database.Open();
        var hasSystemRole = (await EffectiveRoles.OnSystemAsync(db, caller.User.Id, context.RequestAborted)).Count > 0;
        var self = IdentityUrls.BaseUrl(context) + "/v3/auth/system";
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("system");
            if (hasSystemRole)
            {
                writer.WriteStartObject();
                writer.WriteBoolean("all", true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            ProjectJson.WriteCollectionLinks(writer, self);
            writer.WriteEndObject();
        });
    }

    /// <summary>Scoped tokens carry the catalog unless the client asked for ?nocatalog; unscoped ones never do.</summary>
    private static async Task<IReadOnlyList<CatalogService>?> CatalogFor(HttpContext context, IdentityDatabase database, IdentityStateCache cache, TokenModel token)
    {
        if (token.IsUnscoped || context.Request.Query.ContainsKey("nocatalog"))
        {
            return null;
        }
        return await ServiceCatalog.BuildAsync(database, cache, token.User.Id, token.Project?.Id, context.RequestAborted);
    }

    /// <summary>Keystone reads query flags such as allow_expired as true for "1", "true", "yes" (any case), or a bare key.</summary>
    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.Count > 0 && (value.ToString().Length == 0
            || value.ToString() is var text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase)));

    private sealed class TokenResult(TokenModel token, IReadOnlyList<CatalogService>? catalog, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            if (HttpMethods.IsHead(httpContext.Request.Method))
            {
                return;
            }
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            TokenJson.Write(writer, token, catalog);
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
