using System.Text.Json;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Catalog;

/// <summary>
/// /v3/services: the catalog's services. Keystone enforces these rules without a target (403 before 404); a change
/// shows in the next token's catalog, which is built from these tables on every request.
/// </summary>
internal static class ServiceApi
{
    private static readonly Dictionary<string, Func<ServiceRecord, string?>> Filters = new()
    {
        ["type"] = s => s.Type,
        ["name"] = s => s.Name ?? "",
    };

    private static readonly CatalogResource<ServiceRecord> Resource = new("service", "services", Filters,
        (db, id, cancellationToken) => db.FindServiceAsync(id, cancellationToken),
        (db, cancellationToken) => db.GetTable<ServiceRecord>().OrderBy(s => s.Id).ToListAsync(cancellationToken),
        CatalogJson.WriteService);

    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/services", Create);
        routes.MapMethods("/v3/services", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/services/{serviceId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/services/{serviceId}", Update);
        routes.MapDelete("/v3/services/{serviceId}", Delete);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:create_service");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "service", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var (enabled, name, type) = ReadProperties(body);
            if (body.Error is null && type is null)
            {
                body.Fail("", "'type' is a required property");
            }
            if (body.Error is not null)
            {
                return body.Error;
            }
            var service = new ServiceRecord
            {
                Id = DomainApi.NewId(),
                Type = type!,
                Enabled = enabled ?? true,
                Name = name ?? "",
            };
            SetDescription(service, body);
            service.Extra = ExtraAttributes.NormalizeNames(service.Extra);
            await using var db = database.Open();
            await db.InsertAsync(service, token: context.RequestAborted);
            return CollectionJson.Member("service", service, (w, s) => CatalogJson.WriteService(w, s, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    private static Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options) =>
        Resource.ListAsync(context, access, database, options.CatalogListLimit);

    private static Task<IResult> Get(HttpContext context, string serviceId, ApiAccess access, IdentityDatabase database) =>
        Resource.GetAsync(context, serviceId, access, database);

    private static async Task<IResult> Update(HttpContext context, string serviceId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:update_service");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "service", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var (enabled, name, type) = ReadProperties(body);
            var id = body.Raw("id");
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (!body.Entity.EnumerateObject().Any())
            {
                return IdentityError.Schema("", "{} does not have enough properties");
            }
            if (id is { ValueKind: not JsonValueKind.Null } && (id.Value.ValueKind != JsonValueKind.String || id.Value.GetString() != serviceId))
            {
                return IdentityError.BadRequest("Cannot change ID");
            }
            await using var db = database.Open();
            var service = await db.FindServiceAsync(serviceId, context.RequestAborted);
            if (service is null)
            {
                return Resource.NotFound(serviceId);
            }
            service.Type = type ?? service.Type;
            service.Enabled = enabled ?? service.Enabled;
            service.Name = name ?? service.Name;
            SetDescription(service, body);
            await db.UpdateAsync(service, token: context.RequestAborted);
            return CollectionJson.Member("service", service, (w, s) => CatalogJson.WriteService(w, s, IdentityUrls.BaseUrl(context)));
        }
    }

    /// <summary>Deletes the service and, as Keystone does, its endpoints.</summary>
    private static async Task<IResult> Delete(HttpContext context, string serviceId, ApiAccess access, IdentityDatabase database)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:delete_service");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        var service = await db.FindServiceAsync(serviceId, context.RequestAborted);
        if (service is null)
        {
            return Resource.NotFound(serviceId);
        }
        await db.GetTable<EndpointRecord>().Where(e => e.ServiceId == service.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<ServiceRecord>().Where(s => s.Id == service.Id).DeleteAsync(context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>The schema's properties in its order: enabled, name (Keystone's name type, up to 255), type (1–255).</summary>
    private static (bool? Enabled, string? Name, string? Type) ReadProperties(EntityBody body)
    {
        var enabled = body.Boolean("enabled");
        var name = body.Name(required: false, maxLength: 255);
        var type = body.String("type", minLength: 1, maxLength: 255);
        return (enabled, name, type);
    }

    /// <summary>
    /// The description is not in Keystone's schema, so any JSON value goes: a string is kept in its column, anything
    /// else (null included) among the extra attributes, where Keystone keeps every description.
    /// </summary>
    private static void SetDescription(ServiceRecord service, EntityBody body)
    {
        var description = body.Raw("description");
        var extras = ExtraAttributes.Parse(body.ExtraJson(service.Extra));
        if (description is { ValueKind: JsonValueKind.String } text)
        {
            service.Description = text.GetString();
            extras.Remove("description");
        }
        else if (description is { } other)
        {
            service.Description = null;
            extras["description"] = other.Clone();
        }
        service.Extra = ExtraAttributes.Serialize(extras);
    }

}
