using LinqToDB.Mapping;

namespace Archway.Identity.Users;

[Table("user")]
internal sealed class UserRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("domain_id")] public string DomainId { get; set; } = "";
    [Column("name")] public string Name { get; set; } = "";
    [Column("enabled")] public bool Enabled { get; set; }
    [Column("default_project_id")] public string? DefaultProjectId { get; set; }
    [Column("description")] public string? Description { get; set; }
    [Column("extra")] public string? Extra { get; set; }
    [Column("created_at")] public DateTime CreatedAt { get; set; }
    [Column("last_active_at")] public DateTime? LastActiveAt { get; set; }
    [Column("failed_auth_count")] public int FailedAuthCount { get; set; }
    [Column("failed_auth_at")] public DateTime? FailedAuthAt { get; set; }
    /// <summary>Keystone's user options (ignore_password_expiry, lock_password, ...) as a JSON object.</summary>
    [Column("options")] public string? Options { get; set; }
}
