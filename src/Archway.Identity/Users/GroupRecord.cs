using LinqToDB.Mapping;

namespace Archway.Identity.Users;

[Table("group")]
internal sealed class GroupRecord
{
    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("domain_id")] public string DomainId { get; set; } = "";
    [Column("name")] public string Name { get; set; } = "";
    [Column("description")] public string? Description { get; set; }
    [Column("extra")] public string? Extra { get; set; }
}

[Table("user_group_membership")]
internal sealed class UserGroupMembershipRecord
{
    [Column("user_id"), PrimaryKey] public string UserId { get; set; } = "";
    [Column("group_id"), PrimaryKey] public string GroupId { get; set; } = "";
}
