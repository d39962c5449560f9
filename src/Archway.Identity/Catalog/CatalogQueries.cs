using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Catalog;

/// <summary>Region, service and endpoint look-ups the catalog APIs share.</summary>
internal static class CatalogQueries
{
    public static Task<RegionRecord?> FindRegionAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<RegionRecord>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    public static Task<ServiceRecord?> FindServiceAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<ServiceRecord>().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);

    public static Task<EndpointRecord?> FindEndpointAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<EndpointRecord>().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
}
