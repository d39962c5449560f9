using LinqToDB.Mapping;

namespace Archway.Identity.Credentials;

/// <summary>A credential (ec2, totp, cert, ...) whose blob is Fernet-encrypted with the credential key repository.</summary>
[Table("credential")]
internal sealed class CredentialRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("user_id")] public string UserId { get; set; } = "";
    [Column("project_id")] public string? ProjectId { get; set; }
    [Column("type")] public string Type { get; set; } = "";
    [Column("encrypted_blob")] public string EncryptedBlob { get; set; } = "";
    /// <summary>SHA-1 of the primary key that encrypted the blob, as Keystone records it to find the key again.</summary>
    [Column("key_hash")] public string KeyHash { get; set; } = "";
    [Column("extra")] public string? Extra { get; set; }
}
