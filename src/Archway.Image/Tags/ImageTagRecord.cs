using LinqToDB.Mapping;

namespace Archway.Image.Tags;

/// <summary>A row of <c>image_tags</c>.</summary>
[Table("image_tags")]
internal sealed class ImageTagRecord
{
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("image_id")] public string ImageId { get; set; } = "";
    [Column("value")] public string Value { get; set; } = "";
    [Column("created_at")] public DateTime CreatedAt { get; set; }
}
