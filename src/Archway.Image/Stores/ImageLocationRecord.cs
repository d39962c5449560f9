using LinqToDB.Mapping;

namespace Archway.Image.Stores;

/// <summary>A row of <c>image_locations</c>: where an image's data is (file:///..., http://...).</summary>
[Table("image_locations")]
internal sealed class ImageLocationRecord
{
    public const string Active = "active";

    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("image_id")] public string ImageId { get; set; } = "";
    [Column("value")] public string Value { get; set; } = "";

    /// <summary>The location's metadata, a JSON object ("{}" for the file store).</summary>
    [Column("meta_data")] public string MetaData { get; set; } = "{}";

    [Column("status")] public string Status { get; set; } = Active;
    [Column("created_at")] public DateTime CreatedAt { get; set; }
}
