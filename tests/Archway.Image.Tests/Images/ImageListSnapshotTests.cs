using System.Net.Http.Json;
using Archway.Data.Database;
using Archway.Image.Http;
using Archway.Image.Images;
using Archway.Image.Schema;
using Archway.Testing;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Archway.Image.Tests.Images;

/// <summary>
/// The in-memory image list (SQLite only) against the SQL query it stands in for: the same pages for every kind of
/// caller, and never a stale answer, whoever wrote.
/// </summary>
public sealed class ImageListSnapshotTests : IAsyncLifetime
{
    private const string Alpha = "p-alpha";
    private const string Beta = "p-beta";
    private const string Gamma = "p-gamma";

    private ImageServer _server = null!;
    private ImageListSnapshot _snapshot = null!;

    public async Task InitializeAsync()
    {
        // Locations shown, so that a deactivated image's document differs between admins and everyone else.
        _server = await ImageServer.StartAsync("[DEFAULT]\nshow_multiple_locations = true\nshow_image_direct_url = true\n");
        _snapshot = _server.Services.GetRequiredService<ImageListSnapshot>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly Caller[] Callers =
    [
        new("u-admin", ImageServer.AdminProject, ["admin", "member", "reader"]),
        new("u-alpha", Alpha, ["member", "reader"]),
        new("u-beta", Beta, ["member", "reader"]),
        new("u-gamma", Gamma, ["reader"]),
        new("u-none", null, ["reader"]),
    ];

    private static readonly string[] Queries = ["", "?limit=1000", "?member_status=all", "?member_status=pending", "?member_status=rejected", "?os_hidden=true", "?limit=3"];

    [SqliteFact]
    public async Task Every_caller_gets_the_pages_the_query_gives_marker_by_marker()
    {
        await CreateImagesAsync();
        await LoadAsync();
        var json = _server.Services.GetRequiredService<ImageJson>();

        var compared = 0;
        foreach (var caller in Callers)
        {
            foreach (var query in Queries)
            {
                string? marker = null;
                do
                {
                    var request = Parse(query + (marker is null ? "" : (query.Length == 0 ? "?" : "&") + "marker=" + marker));
                    var fromMemory = _snapshot.TryList(request, caller);
                    Assert.NotNull(fromMemory);
                    var fromSql = await QueryAsync(request, caller);
                    Assert.Equal(Describe(fromSql), Describe(fromMemory));
                    // The documents too: the snapshot's kept renderings, the query's rendered now for this caller.
                    Assert.All(fromMemory, image => Assert.NotNull(image.Document));
                    Assert.Equal(Documents(json, fromSql, caller), Documents(json, fromMemory, caller));
                    compared++;
                    marker = fromSql.Count == request.Limit ? fromSql[^1].Id : null;
                }
                while (marker is not null);
            }
        }
        Assert.True(compared > Callers.Length * Queries.Length, $"only {compared} pages compared: no query paged");
    }

    [SqliteFact]
    public async Task A_write_through_the_API_is_in_the_next_list()
    {
        var alpha = _server.As(Alpha);
        var id = await ImageServer.CreateIdAsync(alpha, new { name = "before", visibility = "private" });
        await LoadAsync();
        var caller = Callers[1];
        // Listed from the snapshot once, so that it keeps the rendered document.
        var before = await ImageServer.JsonAsync(await alpha.GetAsync("/v2/images"));
        Assert.Equal("before", before.GetProperty("images")[0].GetProperty("name").GetString());
        Assert.NotNull(Assert.Single(_snapshot.TryList(Parse(""), caller)!).Document);

        using (var rename = new HttpRequestMessage(HttpMethod.Patch, $"/v2/images/{id}"))
        {
            rename.Content = new StringContent("""[{"op": "replace", "path": "/name", "value": "after"}]""");
            rename.Content.Headers.ContentType = new("application/openstack-images-v2.1-json-patch");
            (await alpha.SendAsync(rename)).EnsureSuccessStatusCode();
        }

        Assert.Null(_snapshot.TryList(Parse(""), caller));
        var body = await ImageServer.JsonAsync(await alpha.GetAsync("/v2/images"));
        Assert.Equal("after", body.GetProperty("images")[0].GetProperty("name").GetString());
        await _snapshot.Loading;
        Assert.Equal("after", Assert.Single(_snapshot.TryList(Parse(""), caller)!).Record.Name);
        var reloaded = await ImageServer.JsonAsync(await alpha.GetAsync("/v2/images"));
        Assert.Equal("after", reloaded.GetProperty("images")[0].GetProperty("name").GetString());
    }

    [SqliteFact]
    public async Task A_write_by_another_connection_makes_the_snapshot_stale_at_once()
    {
        var id = await ImageServer.CreateIdAsync(_server.As(Alpha), new { name = "mine", visibility = "private" });
        await LoadAsync();
        var caller = Callers[1];
        Assert.Single(_snapshot.TryList(Parse(""), caller)!);

        // Another process sharing the file: its own connection, no API, no cache of ours told.
        var url = _server.Services.GetRequiredService<ImageDatabase>().Database.Url;
        await using (var other = new SqliteConnection(url.ConnectionString))
        {
            await other.OpenAsync();
            await using var delete = other.CreateCommand();
            delete.CommandText = "UPDATE images SET deleted = 1 WHERE id = $id";
            delete.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        Assert.Null(_snapshot.TryList(Parse(""), caller));
        await _snapshot.Loading;
        Assert.Empty(_snapshot.TryList(Parse(""), caller)!);
    }

    [SqliteTheory]
    [InlineData("?name=x")]
    [InlineData("?sort_key=name")]
    [InlineData("?visibility=public")]
    [InlineData("?tag=a")]
    [InlineData("?protected=false")]
    [InlineData("?size_min=1")]
    [InlineData("?created_at=gt:2020-01-01T00:00:00Z")]
    [InlineData("?owner=p-alpha")]
    [InlineData("?custom=1")]
    public async Task Filtered_or_sorted_lists_are_left_to_the_query(string query)
    {
        await ImageServer.CreateIdAsync(_server.As(Alpha), new { name = "x", visibility = "private" });
        await LoadAsync();
        Assert.Null(_snapshot.TryList(Parse(query), Callers[1]));
        Assert.NotNull(_snapshot.TryList(Parse(""), Callers[1]));
    }

    [Fact]
    public async Task Only_sqlite_has_a_snapshot()
    {
        await ImageServer.CreateIdAsync(_server.As(Alpha));
        var engine = _server.Services.GetRequiredService<ImageDatabase>().Database.Url.Engine;
        Assert.Equal(engine == DatabaseEngine.Sqlite, _snapshot.Enabled);
        if (!_snapshot.Enabled)
        {
            Assert.Null(_snapshot.TryList(Parse(""), Callers[0]));
            Assert.Null(_snapshot.TryList(Parse(""), Callers[0]));
        }
    }

    /// <summary>Asks until the snapshot answers: the first ask finds it stale and starts the reload.</summary>
    private async Task LoadAsync()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (_snapshot.TryList(Parse(""), Callers[0]) is not null)
            {
                return;
            }
            await _snapshot.Loading;
        }
        Assert.Fail("the snapshot did not load");
    }

    private ImageListRequest Parse(string query)
    {
        var (request, error) = ImageListRequest.Parse(new QueryCollection(QueryHelpers(query)), _server.Options);
        Assert.Null(error);
        return request!;
    }

    private static Dictionary<string, StringValues> QueryHelpers(string query) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);

    private async Task<List<GlanceImage>> QueryAsync(ImageListRequest request, Caller caller)
    {
        await using var db = _server.Services.GetRequiredService<ImageDatabase>().Open();
        var (records, error) = await ImageListQuery.RunAsync(db, request, caller, CancellationToken.None);
        Assert.Null(error);
        return await db.WithDetailsAsync(records!, caller, CancellationToken.None);
    }

    private static List<string> Documents(ImageJson json, List<GlanceImage> images, Caller caller) =>
        [.. images.Select(image => System.Text.Encoding.UTF8.GetString(json.Render(image, caller)))];

    private static List<string> Describe(List<GlanceImage> images) =>
        [.. images.Select(i => string.Join(" | ", i.Id, i.Record.Name, i.Record.Status, i.Record.Visibility, i.Record.OsHidden, i.Member ?? "-",
            string.Join(",", i.Properties.Select(p => p.Key + "=" + p.Value)), string.Join(",", i.Tags),
            string.Join(",", i.Locations.Select(l => l.Value))))];

    /// <summary>Images of every visibility, hidden and not, shared with each membership status, killed and deleted.</summary>
    private async Task CreateImagesAsync()
    {
        var owners = new[] { (Alpha, _server.As(Alpha)), (Beta, _server.As(Beta)), (Gamma, _server.As(Gamma)) };
        var visibilities = new[] { "private", "public", "shared", "community" };
        var admin = _server.Admin();
        var ids = new List<string>();
        var n = 0;
        foreach (var (project, client) in owners)
        {
            foreach (var visibility in visibilities)
            {
                foreach (var hidden in new[] { false, true })
                {
                    var body = new Dictionary<string, object>
                    {
                        ["name"] = $"{project}-{visibility}-{(hidden ? "hidden" : "shown")}",
                        ["visibility"] = visibility,
                        ["os_hidden"] = hidden,
                        ["disk_format"] = "raw",
                        ["container_format"] = "bare",
                        ["tags"] = n % 3 == 0 ? new[] { "t" + n, "common" } : Array.Empty<string>(),
                    };
                    if (n % 2 == 0)
                    {
                        body["prop_" + n] = "v" + n;
                        body["shared_prop"] = "s";
                    }
                    if (visibility == "public")
                    {
                        // Only an admin publicizes an image.
                        body["owner"] = project;
                    }
                    var id = await ImageServer.CreateIdAsync(visibility == "public" ? admin : client, body);
                    ids.Add(id);
                    if (n % 5 == 0)
                    {
                        (await ImageServer.UploadAsync(client, id, [1, 2, 3, (byte)n])).EnsureSuccessStatusCode();
                    }
                    if (visibility == "shared")
                    {
                        // Each other project a member, with a different status each.
                        var statuses = new[] { "accepted", "pending", "rejected" };
                        var k = n;
                        foreach (var (other, otherClient) in owners.Where(o => o.Item1 != project))
                        {
                            (await client.PostAsJsonAsync($"/v2/images/{id}/members", new { member = other })).EnsureSuccessStatusCode();
                            var status = statuses[k++ % 3];
                            if (status != "pending")
                            {
                                (await otherClient.PutAsJsonAsync($"/v2/images/{id}/members/{other}", new { status })).EnsureSuccessStatusCode();
                            }
                        }
                    }
                    n++;
                }
            }
        }
        // A deactivated image with data, public: its locations are shown to admins only.
        (await admin.PostAsync($"/v2/images/{ids[10]}/actions/deactivate", null)).EnsureSuccessStatusCode();
        // An image without owner, a killed one and a deleted one.
        await using var db = _server.Services.GetRequiredService<ImageDatabase>().Open();
        await db.GetTable<ImageRecord>().Where(i => i.Id == ids[0]).Set(i => i.Owner, (string?)null).Set(i => i.Visibility, "public").UpdateAsync();
        await db.GetTable<ImageRecord>().Where(i => i.Id == ids[1]).Set(i => i.Status, ImageStatus.Killed).UpdateAsync();
        (await owners[1].Item2.DeleteAsync($"/v2/images/{ids[9]}")).EnsureSuccessStatusCode();
        // Two images created in the same millisecond: the id breaks the tie.
        var same = await db.GetTable<ImageRecord>().Where(i => i.Id == ids[3]).Select(i => i.CreatedAt).FirstAsync();
        await db.GetTable<ImageRecord>().Where(i => i.Id == ids[4] || i.Id == ids[5]).Set(i => i.CreatedAt, same).UpdateAsync();
    }
}

/// <summary>A fact about the SQLite snapshot: skipped when the suite runs on another engine, which has none.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabases.Engine != "sqlite")
        {
            Skip = "the image list snapshot is SQLite's; with " + TestDatabases.Engine + " every list is a query";
        }
    }
}

/// <summary>A theory about the SQLite snapshot: skipped when the suite runs on another engine.</summary>
public sealed class SqliteTheoryAttribute : TheoryAttribute
{
    public SqliteTheoryAttribute()
    {
        if (TestDatabases.Engine != "sqlite")
        {
            Skip = "the image list snapshot is SQLite's; with " + TestDatabases.Engine + " every list is a query";
        }
    }
}
