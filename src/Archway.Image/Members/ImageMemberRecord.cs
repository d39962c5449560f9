using LinqToDB.Mapping;

namespace Archway.Image.Members;

/// <summary>A row of <c>image_members</c>: a project an image is shared with, and whether it accepted.</summary>
[Table("image_members")]
internal sealed class ImageMemberRecord
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("image_id")] public string ImageId { get; set; } = "";
    [Column("member")] public string Member { get; set; } = "";
    [Column("can_share")] public bool CanShare { get; set; }
    [Column("status")] public string Status { get; set; } = Pending;
    [Column("created_at")] public DateTime CreatedAt { get; set; }
    [Column("updated_at")] public DateTime? UpdatedAt { get; set; }
}
