using LinqToDB.Mapping;

namespace Archway.Identity.Resources;

/// <summary>A row of Keystone's <c>project</c> table: a project, or a domain when <see cref="IsDomain"/>.</summary>
[Table("project")]
internal sealed class ProjectRecord
{
    /// <summary>The domain_id Keystone gives domains themselves: the root that all domains hang from.</summary>
    public const string RootDomainId = "<<keystone.domain.root>>";

    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("name")] public string Name { get; set; } = "";
    [Column("description")] public string? Description { get; set; }
    [Column("enabled")] public bool Enabled { get; set; }
    [Column("domain_id")] public string DomainId { get; set; } = "";
    [Column("parent_id")] public string? ParentId { get; set; }
    [Column("is_domain")] public bool IsDomain { get; set; }
    [Column("extra")] public string? Extra { get; set; }
    /// <summary>The project's tags as a JSON array of strings.</summary>
    [Column("tags")] public string? Tags { get; set; }
    [Column("options")] public string? Options { get; set; }
}
