using LinqToDB.Mapping;

namespace Archway.Identity.Tokens;

/// <summary>
/// Keystone's revocation event: every token matching all of its non-null fields and issued before
/// <see cref="IssuedBefore"/> is revoked.
/// </summary>
[Table("revocation_event")]
internal sealed class RevocationEventRecord
{
    [Column("id"), PrimaryKey, Identity] public long Id { get; set; }
    [Column("domain_id")] public string? DomainId { get; set; }
    [Column("project_id")] public string? ProjectId { get; set; }
    [Column("user_id")] public string? UserId { get; set; }
    [Column("role_id")] public string? RoleId { get; set; }
    [Column("trust_id")] public string? TrustId { get; set; }
    [Column("consumer_id")] public string? ConsumerId { get; set; }
    [Column("access_token_id")] public string? AccessTokenId { get; set; }
    [Column("issued_before")] public DateTime IssuedBefore { get; set; }
    [Column("expires_at")] public DateTime? ExpiresAt { get; set; }
    [Column("revoked_at")] public DateTime RevokedAt { get; set; }
    [Column("audit_id")] public string? AuditId { get; set; }
    [Column("audit_chain_id")] public string? AuditChainId { get; set; }
}
