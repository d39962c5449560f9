using Archway.Image.Config;
using Archway.Image.Images;
using Archway.Image.Policy;
using Archway.Image.Schema;
using Archway.Image.Schemas;
using Archway.Image.Stores;

namespace Archway.Image;

/// <summary>What every Image handler works with, resolved once: configuration, database, schemas, policy, stores, clock.</summary>
internal sealed class ImageServices(
    GlanceOptions options,
    ImageDatabase database,
    SchemaDocuments schemas,
    ImagePolicy policy,
    ImageStores stores,
    ImageListSnapshot listSnapshot,
    ImageJson json,
    TimeProvider time)
{
    public GlanceOptions Options { get; } = options;
    public ImageDatabase Database { get; } = database;
    public SchemaDocuments Schemas { get; } = schemas;
    public ImagePolicy Policy { get; } = policy;
    public ImageStores Stores { get; } = stores;
    public ImageListSnapshot ListSnapshot { get; } = listSnapshot;
    public TimeProvider Time { get; } = time;
    public ImageJson Json { get; } = json;

    /// <summary>Now, in UTC, to the millisecond the database keeps.</summary>
    public DateTime Now()
    {
        var now = Time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
