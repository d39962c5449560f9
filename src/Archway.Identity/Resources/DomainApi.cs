using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Resources;

/// <summary>/v3/domains: domains are projects acting as domains, in Keystone's project table.</summary>
internal static class DomainApi
{
    private static readonly Dictionary<string, Func<ProjectRecord, string?>> Filters = new()
    {
        ["name"] = d => d.Name,
        ["enabled"] = d => ListQuery<ProjectRecord>.Bool(d.Enabled),
        ["id"] = d => d.Id,
    };

    public static IEndpointRouteBuilder MapDomainApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/domains", Create);
        routes.MapMethods("/v3/domains", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/domains/{domainId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/domains/{domainId}", Update);
        routes.MapDelete("/v3/domains/{domainId}", Delete);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:create_domain");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "domain", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: true);
            var description = body.String("description", nullable: true);
            var enabled = body.Boolean("enabled");
            var explicitId = body.Id("explicit_domain_id");
            body.Raw("tags");
            body.Raw("options");
            if (body.Error is not null)
            {
                return body.Error;
            }
            var domain = new ProjectRecord
            {
                Id = explicitId ?? NewId(),
                Name = name!.Trim(),
                Description = description ?? "",
                Enabled = enabled ?? true,
                DomainId = ProjectRecord.RootDomainId,
                IsDomain = true,
                Extra = body.ExtraJson(null),
            };
            await using var db = database.Open();
            if (await db.GetTable<ProjectRecord>().AnyAsync(p => p.Id == domain.Id, context.RequestAborted)
                || await db.FindDomainByNameAsync(domain.Name, context.RequestAborted) is not null)
            {
                return DuplicateDomain(domain.Name);
            }
            try
            {
                await db.InsertAsync(domain, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return DuplicateDomain(domain.Name);
            }
            return CollectionJson.Member("domain", domain, (w, d) => ProjectJson.WriteDomain(w, d, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:list_domains");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        var domains = await db.GetTable<ProjectRecord>().Where(p => p.IsDomain).OrderBy(p => p.Name).ToListAsync(context.RequestAborted);
        var (items, truncated) = ListQuery<ProjectRecord>.From(context.Request.Query, Filters).Apply(domains, options.ListLimit);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "domains", items, truncated, (w, d) => ProjectJson.WriteDomain(w, d, baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string domainId, ApiAccess access, IdentityDatabase database)
    {
        await using var db = database.Open();
        var domain = await db.FindDomainAsync(domainId, context.RequestAborted);
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        if (domain is null)
        {
            return NotFound(domainId);
        }
        if (access.Check(caller, "identity:get_domain", Target.Domain(domain)) is { } denied)
        {
            return denied;
        }
        return CollectionJson.Member("domain", domain, (w, d) => ProjectJson.WriteDomain(w, d, IdentityUrls.BaseUrl(context)));
    }

    private static async Task<IResult> Update(HttpContext context, string domainId, ApiAccess access, IdentityDatabase database, RevocationList revocations, KeystoneOptions options, TimeProvider time)
    {
        await using var db = database.Open();
        var domain = await db.FindDomainAsync(domainId, context.RequestAborted);
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        if (domain is null)
        {
            return NotFound(domainId);
        }
        if (access.Check(caller, "identity:update_domain", Target.Domain(domain)) is { } denied)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "domain", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: false);
            var description = body.String("description", nullable: true);
            var enabled = body.Boolean("enabled");
            if (body.Raw("id") is { } id && (id.ValueKind != System.Text.Json.JsonValueKind.String || id.GetString() != domainId))
            {
                body.Fail(IdentityError.BadRequest("Cannot change Domain ID"));
            }
            body.Raw("tags");
            body.Raw("options");
            if (body.Error is not null)
            {
                return body.Error;
            }
            var wasEnabled = domain.Enabled;
            if (name is not null)
            {
                name = name.Trim();
                if (name != domain.Name && await db.FindDomainByNameAsync(name, context.RequestAborted) is not null)
                {
                    return DuplicateDomain(name);
                }
                domain.Name = name;
            }
            if (body.Has("description"))
            {
                domain.Description = description ?? "";
            }
            domain.Enabled = enabled ?? domain.Enabled;
            domain.Extra = body.ExtraJson(domain.Extra, ["domain_id"]);
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            await db.UpdateAsync(domain, token: context.RequestAborted);
            if (wasEnabled && !domain.Enabled)
            {
                // Disabling a domain ends every token of its users and scoped to it or its projects.
                await revocations.RevokeAsync(db, Revocation.For(time, domainId: domain.Id), context.RequestAborted);
            }
            await transaction.CommitAsync(context.RequestAborted);
            return CollectionJson.Member("domain", domain, (w, d) => ProjectJson.WriteDomain(w, d, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string domainId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        await using var db = database.Open();
        var domain = await db.FindDomainAsync(domainId, context.RequestAborted);
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        if (domain is null)
        {
            return NotFound(domainId);
        }
        if (access.Check(caller, "identity:delete_domain", Target.Domain(domain)) is { } denied)
        {
            return denied;
        }
        if (domain.Enabled)
        {
            return IdentityError.Forbidden("Cannot delete a domain that is enabled, please disable it first.");
        }
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        await ResourceDeletion.DeleteDomainContentsAsync(db, domain.Id, context.RequestAborted);
        await revocations.RevokeAsync(db, Revocation.For(time, domainId: domain.Id), context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    private static IdentityError NotFound(string domainId) => IdentityError.NotFound($"Could not find domain: {domainId}.");

    private static IdentityError DuplicateDomain(string name) =>
        IdentityError.Conflict("project", $"it is not permitted to have two projects acting as domains with the same name: {name}");

    internal static string NewId() => Guid.NewGuid().ToString("N");
}
