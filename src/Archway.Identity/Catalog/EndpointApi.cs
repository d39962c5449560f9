using System.Text.Json;
using System.Text.RegularExpressions;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Catalog;

/// <summary>
/// /v3/endpoints: a service's URL for one interface in one region. Keystone enforces these rules without a target
/// (403 before 404); a change shows in the next token's catalog.
/// </summary>
internal static partial class EndpointApi
{
    private static readonly Dictionary<string, Func<EndpointRecord, string?>> Filters = new()
    {
        ["interface"] = e => e.Interface,
        ["service_id"] = e => e.ServiceId,
        ["region_id"] = e => e.RegionId,
    };

    private static readonly CatalogResource<EndpointRecord> Resource = new("endpoint", "endpoints", Filters,
        (db, id, cancellationToken) => db.FindEndpointAsync(id, cancellationToken),
        (db, cancellationToken) => db.GetTable<EndpointRecord>().OrderBy(e => e.Id).ToListAsync(cancellationToken),
        CatalogJson.WriteEndpoint);

    public static IEndpointRouteBuilder MapEndpointApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/endpoints", Create);
        routes.MapMethods("/v3/endpoints", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/endpoints/{endpointId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/endpoints/{endpointId}", Update);
        routes.MapDelete("/v3/endpoints/{endpointId}", Delete);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:create_endpoint");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "endpoint", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var input = ReadProperties(body);
            foreach (var required in (ReadOnlySpan<string>)["interface", "service_id", "url"])
            {
                if (!body.Has(required))
                {
                    body.Fail("", $"'{required}' is a required property");
                }
            }
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (!EndpointUrl.IsValid(input.Url!))
            {
                return IdentityError.BadRequest($"Cannot create an endpoint with an invalid URL: {input.Url}.");
            }
            var endpoint = new EndpointRecord
            {
                Id = DomainApi.NewId(),
                Interface = input.Interface!,
                ServiceId = input.ServiceId!,
                Url = input.Url!,
                Enabled = input.Enabled ?? true,
                RegionId = input.RegionId ?? input.LegacyRegion,
                Extra = ExtraAttributes.NormalizeNames(body.ExtraJson(null)),
            };
            await using var db = database.Open();
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            if (await CheckReferencesAsync(db, input, context.RequestAborted) is { } invalid)
            {
                return invalid;
            }
            if (await CreateLegacyRegionAsync(db, input, context.RequestAborted) is { } tooLong)
            {
                return tooLong;
            }
            await db.InsertAsync(endpoint, token: context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            return CollectionJson.Member("endpoint", endpoint, (w, e) => CatalogJson.WriteEndpoint(w, e, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    private static Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options) =>
        Resource.ListAsync(context, access, database, options.CatalogListLimit);

    private static Task<IResult> Get(HttpContext context, string endpointId, ApiAccess access, IdentityDatabase database) =>
        Resource.GetAsync(context, endpointId, access, database);

    /// <summary>
    /// Like Keystone, an update checks a new region and service (400) before it looks for the endpoint (404), and
    /// does not run the URL substitution check that create does.
    /// </summary>
    private static async Task<IResult> Update(HttpContext context, string endpointId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:update_endpoint");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "endpoint", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var input = ReadProperties(body);
            var id = body.Raw("id");
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (!body.Entity.EnumerateObject().Any())
            {
                return IdentityError.Schema("", "{} does not have enough properties");
            }
            if (id is { ValueKind: not JsonValueKind.Null } && (id.Value.ValueKind != JsonValueKind.String || id.Value.GetString() != endpointId))
            {
                return IdentityError.BadRequest("Cannot change ID");
            }
            await using var db = database.Open();
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            if (await CheckReferencesAsync(db, input, context.RequestAborted) is { } invalid)
            {
                return invalid;
            }
            var endpoint = await db.FindEndpointAsync(endpointId, context.RequestAborted);
            if (endpoint is null)
            {
                return Resource.NotFound(endpointId);
            }
            if (await CreateLegacyRegionAsync(db, input, context.RequestAborted) is { } tooLong)
            {
                return tooLong;
            }
            endpoint.Interface = input.Interface ?? endpoint.Interface;
            endpoint.ServiceId = input.ServiceId ?? endpoint.ServiceId;
            endpoint.Url = input.Url ?? endpoint.Url;
            endpoint.Enabled = input.Enabled ?? endpoint.Enabled;
            endpoint.RegionId = input.RegionId ?? input.LegacyRegion ?? endpoint.RegionId;
            endpoint.Extra = body.ExtraJson(endpoint.Extra);
            await db.UpdateAsync(endpoint, token: context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            return CollectionJson.Member("endpoint", endpoint, (w, e) => CatalogJson.WriteEndpoint(w, e, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string endpointId, ApiAccess access, IdentityDatabase database)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:delete_endpoint");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        var deleted = await db.GetTable<EndpointRecord>().Where(e => e.Id == endpointId).DeleteAsync(context.RequestAborted);
        return deleted == 0 ? Resource.NotFound(endpointId) : Results.NoContent();
    }

    /// <summary>What a create or update body gives, read in the schema's property order.</summary>
    private sealed record EndpointInput(bool? Enabled, string? Interface, string? RegionId, string? LegacyRegion, string? ServiceId, string? Url);

    private static EndpointInput ReadProperties(EntityBody body)
    {
        var enabled = body.Boolean("enabled");
        var endpointInterface = body.String("interface");
        if (endpointInterface is not null && endpointInterface is not ("admin" or "internal" or "public"))
        {
            body.Fail("interface", $"'{endpointInterface}' is not one of ['admin', 'internal', 'public']");
        }
        var regionId = body.String("region_id");
        // The v2-era `region` names the region when region_id does not; Keystone then creates it if it is missing.
        var legacyRegion = body.String("region");
        var serviceId = body.String("service_id");
        var url = body.String("url", maxLength: 225, pattern: UrlPattern());
        return new EndpointInput(enabled, endpointInterface, regionId, regionId is null ? legacyRegion : null, serviceId, url);
    }

    /// <summary>Keystone's _assert_region_exists and _assert_service_exists, for the ids a request names.</summary>
    private static async Task<IdentityError?> CheckReferencesAsync(DataConnection db, EndpointInput input, CancellationToken cancellationToken)
    {
        if (input.RegionId is not null && await db.FindRegionAsync(input.RegionId, cancellationToken) is null)
        {
            return IdentityError.Validation("endpoint region_id", "region table");
        }
        if (input.ServiceId is not null && await db.FindServiceAsync(input.ServiceId, cancellationToken) is null)
        {
            return IdentityError.Validation("endpoint service_id", "service table");
        }
        return null;
    }

    /// <summary>Creates the region a legacy `region` names when there is none yet (Keystone's backward compatibility).</summary>
    private static async Task<IdentityError?> CreateLegacyRegionAsync(DataConnection db, EndpointInput input, CancellationToken cancellationToken)
    {
        if (input.LegacyRegion is not { } regionId || await db.FindRegionAsync(regionId, cancellationToken) is not null)
        {
            return null;
        }
        if (regionId.Length > 255)
        {
            return IdentityError.StringLengthExceeded(regionId, "id", 255);
        }
        await db.InsertAsync(new RegionRecord { Id = regionId }, token: cancellationToken);
        return null;
    }


    /// <summary>Keystone's url parameter type: a scheme, a colon, then anything (rfc1738 section 2.1, leniently).</summary>
    [GeneratedRegex("^[a-zA-Z0-9+.-]+:.+")]
    private static partial Regex UrlPattern();
}
