using LinqToDB.Mapping;

namespace Archway.Identity.Users;

/// <summary>One password a user has had; the newest row is the current one (kept for unique_last_password_count).</summary>
[Table("password")]
internal sealed class PasswordRecord
{
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("user_id")] public string UserId { get; set; } = "";
    [Column("password_hash")] public string PasswordHash { get; set; } = "";
    [Column("created_at")] public DateTime CreatedAt { get; set; }
    [Column("expires_at")] public DateTime? ExpiresAt { get; set; }
    [Column("self_service")] public bool SelfService { get; set; }
}
