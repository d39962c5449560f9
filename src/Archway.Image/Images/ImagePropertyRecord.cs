using LinqToDB.Mapping;

namespace Archway.Image.Images;

/// <summary>A row of <c>image_properties</c>: one custom property of an image (a JSON null is a null value).</summary>
[Table("image_properties")]
internal sealed class ImagePropertyRecord
{
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("image_id")] public string ImageId { get; set; } = "";
    [Column("name")] public string Name { get; set; } = "";
    [Column("value")] public string? Value { get; set; }
    [Column("created_at")] public DateTime CreatedAt { get; set; }
}
