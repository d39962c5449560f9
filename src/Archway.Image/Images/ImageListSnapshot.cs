using System.Data.Common;
using System.Runtime.CompilerServices;
using Archway.Data.Database;
using Archway.Image.Http;
using Archway.Image.Members;
using Archway.Image.Schema;
using Archway.Image.Stores;
using Archway.Image.Tags;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Archway.Image.Images;

/// <summary>
/// GET /v2/images from memory on the embedded (SQLite) database: every listable image with its properties, tags,
/// active locations and memberships, in the default order (created_at, then id, newest first). It serves only
/// requests that filter on nothing but member_status and os_hidden and keep the default sort; any other request, and
/// every request while the snapshot is not current, goes to <see cref="ImageListQuery"/>. Each image's JSON document
/// is rendered on its first listing and kept with the snapshot, so that a page is mostly copied bytes.
/// <para>
/// Current means SQLite's <c>PRAGMA data_version</c> on a connection of its own has not moved since the snapshot was
/// read. SQLite changes it for every commit by any other connection — this process's writes and any other process's
/// alike — so no write path has to remember the snapshot. A request that finds it stale is answered by SQL and starts
/// one reload in the background. With MySQL or PostgreSQL another node may write without this process seeing a
/// signal, so there is no snapshot: every list is a query.
/// </para>
/// </summary>
internal sealed partial class ImageListSnapshot(ImageDatabase database, ImageJson json, ILogger<ImageListSnapshot> logger) : IDisposable
{
    /// <summary>Past this many images a snapshot costs more memory and reload time than the queries it spares.</summary>
    public const int MaxImages = 10_000;

    private readonly Lock _versionLock = new();
    private DbConnection? _versionConnection;
    private DbCommand? _versionCommand;
    private State? _state;
    private int _loading;
    private bool _disposed;

    public bool Enabled => database.Database.Url.Engine == DatabaseEngine.Sqlite;

    /// <summary>A reload that has started, for tests: completed when none is under way.</summary>
    internal Task Loading { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// The page for <paramref name="request"/>, before the per-image policy check, or null when the request is not
    /// one the snapshot serves or the snapshot is not current.
    /// </summary>
    public List<GlanceImage>? TryList(ImageListRequest request, Caller caller)
    {
        if (!Enabled || !Serves(request))
        {
            return null;
        }
        var version = DataVersion();
        var state = Volatile.Read(ref _state);
        if (state is null || state.Version != version)
        {
            StartReload();
            return null;
        }
        if (state.Listing is not { } listing)
        {
            // Too many images to keep.
            return null;
        }
        var start = 0;
        if (request.Marker is { } markerId)
        {
            // A marker that is not listable here (killed, deleted, unknown, not visible) gets SQL's answer and error.
            if (!listing.Positions.TryGetValue(markerId, out var at) || !IsVisible(listing, listing.Records[at], caller))
            {
                return null;
            }
            start = at + 1;
        }
        var page = new List<GlanceImage>(Math.Min(request.Limit, 256));
        for (var i = start; i < listing.Records.Count && page.Count < request.Limit; i++)
        {
            var record = listing.Records[i];
            if (Lists(listing, record, request, caller))
            {
                var image = new GlanceImage
                {
                    Record = record,
                    Properties = listing.Properties[record.Id],
                    Tags = listing.Tags[record.Id],
                    Locations = listing.Locations[record.Id],
                    Member = GlanceImage.MemberFor(record, caller),
                };
                // Rendered once per snapshot (twice where an admin sees more), on first listing: two requests racing
                // render the same bytes, and either copy may stay.
                var documents = caller.IsAdmin && ImageJson.DiffersForAdmin(record) ? listing.AdminDocuments : listing.Documents;
                image.Document = documents[i] ??= json.Render(image, caller);
                page.Add(image);
            }
        }
        return page;
    }

    /// <summary>No filter but member_status and os_hidden, and the default order (created_at, then id, descending).</summary>
    private static bool Serves(ImageListRequest request) =>
        request.Sort is [("created_at", "desc")] or [("created_at", "desc"), ("id", "desc")]
        && request.Visibility is null && request.Protected is null
        && request.Columns.Count == 0 && request.Times.Count == 0 && request.Ranges.Count == 0
        && request.Equal.Count == 0 && request.Properties.Count == 0 && request.Tags.Count == 0;

    /// <summary><see cref="ImageListQuery"/>'s conditions for a request without filters, on one image.</summary>
    private static bool Lists(Listing listing, ImageRecord image, ImageListRequest request, Caller caller)
    {
        var project = caller.ProjectId;
        if (!caller.IsAdmin)
        {
            var reachable = image.Visibility is "public" or "community"
                || (project is not null && (image.Owner == project
                    || (image.Visibility == "shared" && listing.Members[(image.Id, project)].Any(status => request.MemberStatus == "all" || status == request.MemberStatus))));
            if (!reachable)
            {
                return false;
            }
        }
        // No visibility filter: community images only for their owner.
        if (image.Visibility == "community" && (project is null || image.Owner != project))
        {
            return false;
        }
        return image.OsHidden == request.OsHidden;
    }

    /// <summary><see cref="ImageQueries.IsVisibleAsync"/> on the snapshot, for the marker.</summary>
    private static bool IsVisible(Listing listing, ImageRecord image, Caller caller) =>
        ImageQueries.VisibleUnlessMembership(image, caller) ?? listing.Members[(image.Id, caller.ProjectId!)].Any();

    private long DataVersion()
    {
        lock (_versionLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_versionCommand is null)
            {
                _versionConnection = OpenVersionConnection(database.Database.Url.ConnectionString);
                _versionCommand = _versionConnection.CreateCommand();
                _versionCommand.CommandText = "PRAGMA data_version";
            }
            return Convert.ToInt64(_versionCommand.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Not pooled: data_version compares commits with one connection's own view, so every reading must come from the
    /// same connection, and that connection must never write.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection OpenVersionConnection(string connectionString)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private void StartReload()
    {
        if (Interlocked.CompareExchange(ref _loading, 1, 0) != 0)
        {
            return;
        }
        Loading = Task.Run(async () =>
        {
            try
            {
                Volatile.Write(ref _state, await LoadAsync());
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or ObjectDisposedException)
            {
                // Lists keep going to the database; the next one tries again.
                Log.SnapshotFailed(logger, e);
            }
            finally
            {
                Volatile.Write(ref _loading, 0);
            }
        });
    }

    private async Task<State> LoadAsync()
    {
        // The version first: a commit landing during the reads below makes this snapshot stale at once, never newer
        // than its version says.
        var version = DataVersion();
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(CancellationToken.None);
        var listable = db.GetTable<ImageRecord>().Where(i => !i.Deleted && i.Status != ImageStatus.Killed);
        if (await listable.CountAsync(CancellationToken.None) > MaxImages)
        {
            return new State(version, null);
        }
        var records = await listable.ToListAsync(CancellationToken.None);
        // ImageListQuery's default order: created_at, then id, both descending (ids compare as SQLite's BINARY does).
        records.Sort(static (a, b) =>
        {
            var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
        });
        var positions = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            positions[records[i].Id] = i;
        }
        // In id order, as ImageQueries.WithDetailsAsync reads them, so that each image's lists keep their order.
        var properties = (await db.QueryToListAsync<ImagePropertyRecord>("SELECT * FROM image_properties ORDER BY id", CancellationToken.None))
            .Where(p => positions.ContainsKey(p.ImageId))
            .GroupBy(p => p.ImageId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => KeyValuePair.Create(p.Name, p.Value)).ToList(), StringComparer.Ordinal);
        var tags = (await db.QueryToListAsync<ImageTagRecord>("SELECT * FROM image_tags ORDER BY id", CancellationToken.None))
            .Where(t => positions.ContainsKey(t.ImageId))
            .GroupBy(t => t.ImageId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Value).ToList(), StringComparer.Ordinal);
        var locations = (await db.QueryToListAsync<ImageLocationRecord>($"SELECT * FROM image_locations WHERE status = '{ImageLocationRecord.Active}' ORDER BY id", CancellationToken.None))
            .Where(l => positions.ContainsKey(l.ImageId))
            .GroupBy(l => l.ImageId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var members = (await db.GetTable<ImageMemberRecord>().ToListAsync(CancellationToken.None)).ToLookup(m => (m.ImageId, m.Member), m => m.Status);
        return new State(version, new Listing(records, positions, new Details<KeyValuePair<string, string?>>(properties), new Details<string>(tags),
            new Details<ImageLocationRecord>(locations), members, new byte[]?[records.Count], new byte[]?[records.Count]));
    }

    public void Dispose()
    {
        lock (_versionLock)
        {
            _disposed = true;
            _versionCommand?.Dispose();
            _versionConnection?.Dispose();
        }
    }

    /// <summary>One image's properties, tags or locations; an image without any gets a fresh empty list.</summary>
    private sealed class Details<T>(Dictionary<string, List<T>> byImage)
    {
        public List<T> this[string imageId] => byImage.TryGetValue(imageId, out var list) ? list : [];
    }

    /// <summary>What the database held at <paramref name="Version"/>; no listing when there were too many images to keep.</summary>
    private sealed record State(long Version, Listing? Listing);

    /// <summary>
    /// Every listable image in the default order, where each one is in it, what a page shows of each, and each one's
    /// document by position once rendered (an admin's apart where it differs).
    /// </summary>
    private sealed record Listing(
        List<ImageRecord> Records,
        Dictionary<string, int> Positions,
        Details<KeyValuePair<string, string?>> Properties,
        Details<string> Tags,
        Details<ImageLocationRecord> Locations,
        ILookup<(string ImageId, string Member), string> Members,
        byte[]?[] Documents,
        byte[]?[] AdminDocuments);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the image list snapshot; lists read the database")]
        public static partial void SnapshotFailed(ILogger logger, Exception exception);
    }
}
