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
/// /v3/regions: a tree of regions by parent_region_id. Keystone enforces these rules without a target, so a
/// refused caller gets 403 before anything is looked up.
/// </summary>
internal static class RegionApi
{
    /// <summary>Keystone's region columns are String(255).</summary>
    private const int ColumnLength = 255;

    private static readonly Dictionary<string, Func<RegionRecord, string?>> Filters = new()
    {
        ["parent_region_id"] = r => r.ParentRegionId,
    };

    private static readonly CatalogResource<RegionRecord> Resource = new("region", "regions", Filters,
        (db, id, cancellationToken) => db.FindRegionAsync(id, cancellationToken),
        (db, cancellationToken) => db.GetTable<RegionRecord>().OrderBy(r => r.Id).ToListAsync(cancellationToken),
        CatalogJson.WriteRegion);

    public static IEndpointRouteBuilder MapRegionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/regions", Create);
        routes.MapMethods("/v3/regions", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapPut("/v3/regions/{regionId}", CreateWithId);
        routes.MapMethods("/v3/regions/{regionId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/regions/{regionId}", Update);
        routes.MapDelete("/v3/regions/{regionId}", Delete);
        return routes;
    }

    private static Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options) =>
        CreateAsync(context, urlId: null, access, database, options);

    /// <summary>PUT /v3/regions/{id}: the id comes from the URL; a different one in the body is refused.</summary>
    private static Task<IResult> CreateWithId(HttpContext context, string regionId, ApiAccess access, IdentityDatabase database, KeystoneOptions options) =>
        CreateAsync(context, regionId, access, database, options);

    private static async Task<IResult> CreateAsync(HttpContext context, string? urlId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:create_region");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "region", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var description = body.String("description", nullable: true);
            var id = body.String("id");
            var parentId = body.String("parent_region_id", nullable: true);
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (urlId is not null && id is not null && id != urlId)
            {
                return IdentityError.BadRequest($"Conflicting region IDs specified: \"{urlId}\" != \"{id}\"");
            }
            // POST generates an id when none (or "") is given; PUT takes the URL's.
            id = urlId ?? (string.IsNullOrEmpty(id) ? DomainApi.NewId() : id);
            var region = new RegionRecord
            {
                Id = id,
                Description = description ?? "",
                ParentRegionId = parentId,
                Extra = ExtraAttributes.NormalizeNames(body.ExtraJson(null)),
            };
            await using var db = database.Open();
            if (await db.FindRegionAsync(region.Id, context.RequestAborted) is not null)
            {
                return Duplicate(region.Id);
            }
            if (parentId is not null && await db.FindRegionAsync(parentId, context.RequestAborted) is null)
            {
                return Resource.NotFound(parentId);
            }
            if (TooLong(region) is { } tooLong)
            {
                return tooLong;
            }
            try
            {
                await db.InsertAsync(region, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return IdentityError.Conflict("region", $"Duplicate entry found with ID {region.Id}");
            }
            return CollectionJson.Member("region", region, (w, r) => CatalogJson.WriteRegion(w, r, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    // Keystone's list_regions passes its hints positionally, so list_limit never applies to regions.
    private static Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database) =>
        Resource.ListAsync(context, access, database, null);

    private static Task<IResult> Get(HttpContext context, string regionId, ApiAccess access, IdentityDatabase database) =>
        Resource.GetAsync(context, regionId, access, database);

    private static async Task<IResult> Update(HttpContext context, string regionId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:update_region");
        if (denied is not null)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "region", options.MaxRequestBodySize, memberRequired: true);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var description = body.String("description", nullable: true);
            var id = body.String("id");
            var parentId = body.String("parent_region_id", nullable: true);
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (!body.Entity.EnumerateObject().Any())
            {
                return IdentityError.Schema("", "{} does not have enough properties");
            }
            if (id is not null && id != regionId)
            {
                return IdentityError.BadRequest("Cannot change ID");
            }
            await using var db = database.Open();
            // Keystone checks the new parent before the region itself.
            if (parentId is not null && await db.FindRegionAsync(parentId, context.RequestAborted) is null)
            {
                return Resource.NotFound(parentId);
            }
            var region = await db.FindRegionAsync(regionId, context.RequestAborted);
            if (region is null)
            {
                return Resource.NotFound(regionId);
            }
            if (body.Has("description"))
            {
                region.Description = description ?? "";
            }
            if (body.Has("parent_region_id"))
            {
                region.ParentRegionId = parentId;
            }
            region.Extra = body.ExtraJson(region.Extra);
            if (await CreatesCycleAsync(db, region, context.RequestAborted))
            {
                return IdentityError.BadRequest($"The specified parent region {region.Id} would create a circular region hierarchy.");
            }
            if (TooLong(region) is { } tooLong)
            {
                return tooLong;
            }
            await db.UpdateAsync(region, token: context.RequestAborted);
            return CollectionJson.Member("region", region, (w, r) => CatalogJson.WriteRegion(w, r, IdentityUrls.BaseUrl(context)));
        }
    }

    /// <summary>
    /// Deletes the region and every region below it, as Keystone does; refused while any of them has an endpoint.
    /// </summary>
    private static async Task<IResult> Delete(HttpContext context, string regionId, ApiAccess access, IdentityDatabase database)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:delete_region");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        var region = await db.FindRegionAsync(regionId, context.RequestAborted);
        if (region is null)
        {
            return Resource.NotFound(regionId);
        }
        var subtree = await SubtreeAsync(db, region.Id, context.RequestAborted);
        if (await db.GetTable<EndpointRecord>().AnyAsync(e => e.RegionId != null && subtree.Contains(e.RegionId), context.RequestAborted))
        {
            return IdentityError.Forbidden($"Unable to delete region {region.Id} because it or its child regions have associated endpoints.");
        }
        await db.GetTable<RegionRecord>().Where(r => subtree.Contains(r.Id)).DeleteAsync(context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>
    /// Keystone's _ensure_no_circle_in_hierarchical_regions: walking up from the new parent must not reach the region.
    /// Its message names the region being updated, which is the parent the walk met.
    /// </summary>
    private static async Task<bool> CreatesCycleAsync(DataConnection db, RegionRecord region, CancellationToken cancellationToken)
    {
        var parentId = region.ParentRegionId;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!string.IsNullOrEmpty(parentId))
        {
            if (parentId == region.Id)
            {
                return true;
            }
            // A cycle above the region (only a damaged database has one) must not loop forever.
            if (!seen.Add(parentId))
            {
                return false;
            }
            parentId = (await db.FindRegionAsync(parentId, cancellationToken))?.ParentRegionId;
        }
        return false;
    }

    /// <summary>The region and all regions below it.</summary>
    private static async Task<HashSet<string>> SubtreeAsync(DataConnection db, string regionId, CancellationToken cancellationToken)
    {
        var all = await db.GetTable<RegionRecord>().Select(r => new { r.Id, r.ParentRegionId }).ToListAsync(cancellationToken);
        var subtree = new HashSet<string>(StringComparer.Ordinal) { regionId };
        var added = true;
        while (added)
        {
            added = false;
            foreach (var region in all)
            {
                if (region.ParentRegionId is not null && subtree.Contains(region.ParentRegionId) && subtree.Add(region.Id))
                {
                    added = true;
                }
            }
        }
        return subtree;
    }

    /// <summary>Keystone checks column lengths as it builds the row: id, then description, then parent.</summary>
    private static IdentityError? TooLong(RegionRecord region)
    {
        foreach (var (column, value) in new[] { ("id", region.Id), ("description", region.Description), ("parent_region_id", region.ParentRegionId) })
        {
            if (value is not null && value.Length > ColumnLength)
            {
                return IdentityError.StringLengthExceeded(value, column, ColumnLength);
            }
        }
        return null;
    }


    /// <summary>Keystone's message ends in two periods: its details end in one and Conflict adds another.</summary>
    private static IdentityError Duplicate(string regionId) => IdentityError.Conflict("region", $"Duplicate ID, {regionId}.");
}
