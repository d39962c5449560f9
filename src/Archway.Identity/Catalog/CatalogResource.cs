using System.Text.Json;
using Archway.Identity.Http;
using Archway.Identity.Schema;
using LinqToDB.Data;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Catalog;

/// <summary>
/// What the region, service and endpoint APIs share: GET of one (404 when missing) and of the collection (query
/// filters and the list limit), each enforced first with no target, as Keystone's catalog APIs are.
/// </summary>
/// <param name="Member">region, service or endpoint: the JSON member and the rule names' noun.</param>
/// <param name="Collection">The JSON collection and the list rule's noun.</param>
/// <param name="Filters">The query filters a list honours.</param>
/// <param name="Find">One row by id, or null.</param>
/// <param name="LoadAll">Every row, in Keystone's order.</param>
/// <param name="Write">Writes one row as Keystone shows it, links under the base URL given.</param>
internal sealed record CatalogResource<T>(
    string Member,
    string Collection,
    Dictionary<string, Func<T, string?>> Filters,
    Func<DataConnection, string, CancellationToken, Task<T?>> Find,
    Func<DataConnection, CancellationToken, Task<List<T>>> LoadAll,
    Action<Utf8JsonWriter, T, string> Write)
    where T : class
{
    public IdentityError NotFound(string id) => IdentityError.NotFound($"Could not find {Member}: {id}.");

    public async Task<IResult> ListAsync(HttpContext context, ApiAccess access, IdentityDatabase database, int? listLimit)
    {
        var (_, denied) = await access.AuthorizeAsync(context, $"identity:list_{Collection}");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        var rows = await LoadAll(db, context.RequestAborted);
        var (items, truncated) = ListQuery<T>.From(context.Request.Query, Filters).Apply(rows, listLimit);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, Collection, items, truncated, (w, row) => Write(w, row, baseUrl));
    }

    public async Task<IResult> GetAsync(HttpContext context, string id, ApiAccess access, IdentityDatabase database)
    {
        var (_, denied) = await access.AuthorizeAsync(context, $"identity:get_{Member}");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        var row = await Find(db, id, context.RequestAborted);
        if (row is null)
        {
            return NotFound(id);
        }
        return CollectionJson.Member(Member, row, (w, r) => Write(w, r, IdentityUrls.BaseUrl(context)));
    }
}
