using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Identity.Catalog;

/// <summary>One service of a v3 catalog with its usable endpoints.</summary>
internal sealed record CatalogService(string Id, string Type, string Name, IReadOnlyList<CatalogEndpoint> Endpoints);

internal sealed record CatalogEndpoint(string Id, string Interface, string? RegionId, string Url);

/// <summary>
/// The v3 service catalog as Keystone's SQL catalog builds it: enabled services, each with its enabled endpoints,
/// <c>$(project_id)s</c>-style URL substitutions applied, endpoints whose URL needs a project skipped when there is none.
/// </summary>
internal static class ServiceCatalog
{
    /// <summary>The catalog for a user on a project (or none), from the cached services and endpoints when fresh.</summary>
    public static async Task<List<CatalogService>> BuildAsync(IdentityDatabase database, IdentityStateCache cache, string userId, string? projectId, CancellationToken cancellationToken) =>
        Render(await SourceAsync(database, cache, cancellationToken), userId, projectId);

    /// <summary>The enabled services and endpoints: the cached ones when fresh (the same object until they change).</summary>
    public static async Task<CatalogSource> SourceAsync(IdentityDatabase database, IdentityStateCache cache, CancellationToken cancellationToken)
    {
        if (cache.FindCatalog() is { } cached)
        {
            return cached;
        }
        var generation = cache.Generation;
        await using var db = database.Open();
        var services = await db.GetTable<ServiceRecord>().Where(s => s.Enabled).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var endpoints = await db.GetTable<EndpointRecord>().Where(e => e.Enabled).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var source = new CatalogSource(services, endpoints);
        cache.StoreCatalog(source, generation);
        return source;
    }

    /// <summary>The catalog of <paramref name="source"/> for a user on a project (or none).</summary>
    public static List<CatalogService> Render(CatalogSource source, string userId, string? projectId)
    {
        var catalog = new List<CatalogService>(source.Services.Count);
        foreach (var service in source.Services)
        {
            var serviceEndpoints = new List<CatalogEndpoint>();
            foreach (var endpoint in source.Endpoints)
            {
                if (endpoint.ServiceId != service.Id)
                {
                    continue;
                }
                var url = FormatUrl(endpoint.Url, userId, projectId);
                if (url is not null)
                {
                    serviceEndpoints.Add(new CatalogEndpoint(endpoint.Id, endpoint.Interface, endpoint.RegionId, url));
                }
            }
            catalog.Add(new CatalogService(service.Id, service.Type, service.Name ?? "", serviceEndpoints));
        }
        return catalog;
    }

    /// <summary>Keystone's format_url: substitutes $(name)s; null when a needed value is missing.</summary>
    internal static string? FormatUrl(string url, string userId, string? projectId)
    {
        if (!url.Contains("$(", StringComparison.Ordinal))
        {
            return url;
        }
        var result = new System.Text.StringBuilder(url.Length + 32);
        var i = 0;
        while (i < url.Length)
        {
            var start = url.IndexOf("$(", i, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(url, i, url.Length - i);
                break;
            }
            var end = url.IndexOf(")s", start, StringComparison.Ordinal);
            if (end < 0)
            {
                return null;
            }
            result.Append(url, i, start - i);
            var name = url[(start + 2)..end];
            string? value = name switch
            {
                "project_id" or "tenant_id" => projectId,
                "user_id" => userId,
                _ => null,
            };
            if (value is null)
            {
                return null;
            }
            result.Append(value);
            i = end + 2;
        }
        return result.ToString();
    }
}
