using LinqToDB.Mapping;

namespace Archway.Image.Images;

/// <summary>A row of Glance's <c>images</c> table.</summary>
[Table("images")]
internal sealed class ImageRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("name")] public string? Name { get; set; }
    [Column("size")] public long? Size { get; set; }
    [Column("virtual_size")] public long? VirtualSize { get; set; }
    [Column("status")] public string Status { get; set; } = ImageStatus.Queued;
    [Column("visibility")] public string Visibility { get; set; } = "shared";
    [Column("disk_format")] public string? DiskFormat { get; set; }
    [Column("container_format")] public string? ContainerFormat { get; set; }
    [Column("checksum")] public string? Checksum { get; set; }
    [Column("os_hash_algo")] public string? OsHashAlgo { get; set; }
    [Column("os_hash_value")] public string? OsHashValue { get; set; }
    [Column("owner")] public string? Owner { get; set; }
    [Column("min_disk")] public int MinDisk { get; set; }
    [Column("min_ram")] public int MinRam { get; set; }
    [Column("protected")] public bool Protected { get; set; }
    [Column("os_hidden")] public bool OsHidden { get; set; }
    [Column("created_at")] public DateTime CreatedAt { get; set; }
    [Column("updated_at")] public DateTime? UpdatedAt { get; set; }
    [Column("deleted_at")] public DateTime? DeletedAt { get; set; }
    [Column("deleted")] public bool Deleted { get; set; }

    public ImageRecord Copy() => (ImageRecord)MemberwiseClone();
}
