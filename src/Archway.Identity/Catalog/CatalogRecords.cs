using LinqToDB.Mapping;

namespace Archway.Identity.Catalog;

[Table("region")]
internal sealed class RegionRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("description")] public string Description { get; set; } = "";
    [Column("parent_region_id")] public string? ParentRegionId { get; set; }
    [Column("extra")] public string? Extra { get; set; }
}

[Table("service")]
internal sealed class ServiceRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("type")] public string Type { get; set; } = "";
    [Column("enabled")] public bool Enabled { get; set; }
    [Column("name")] public string? Name { get; set; }
    [Column("description")] public string? Description { get; set; }
    [Column("extra")] public string? Extra { get; set; }
}

[Table("endpoint")]
internal sealed class EndpointRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("interface")] public string Interface { get; set; } = "";
    [Column("service_id")] public string ServiceId { get; set; } = "";
    [Column("url")] public string Url { get; set; } = "";
    [Column("enabled")] public bool Enabled { get; set; }
    [Column("region_id")] public string? RegionId { get; set; }
    [Column("extra")] public string? Extra { get; set; }
}
