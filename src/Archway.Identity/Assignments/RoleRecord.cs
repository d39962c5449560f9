using LinqToDB.Mapping;

namespace Archway.Identity.Assignments;

[Table("role")]
internal sealed class RoleRecord
{
    /// <summary>The domain_id Keystone stores for global (not domain-specific) roles.</summary>
    public const string GlobalDomainId = "<<null>>";

    [Column("id"), PrimaryKey] public string Id { get; set; } = "";
    [Column("name")] public string Name { get; set; } = "";
    [Column("domain_id")] public string DomainId { get; set; } = GlobalDomainId;
    [Column("description")] public string? Description { get; set; }
    [Column("extra")] public string? Extra { get; set; }
    /// <summary>Role options (immutable) as a JSON object.</summary>
    [Column("options")] public string? Options { get; set; }
}

[Table("implied_role")]
internal sealed class ImpliedRoleRecord
{
    [Column("prior_role_id"), PrimaryKey] public string PriorRoleId { get; set; } = "";
    [Column("implied_role_id"), PrimaryKey] public string ImpliedRoleId { get; set; } = "";
}

/// <summary>A role given to a user or group on a project or domain (Keystone's <c>assignment</c> table).</summary>
[Table("assignment")]
internal sealed class AssignmentRecord
{
    public const string UserProject = "UserProject";
    public const string GroupProject = "GroupProject";
    public const string UserDomain = "UserDomain";
    public const string GroupDomain = "GroupDomain";

    [Column("type"), PrimaryKey] public string Type { get; set; } = "";
    [Column("actor_id"), PrimaryKey] public string ActorId { get; set; } = "";
    [Column("target_id"), PrimaryKey] public string TargetId { get; set; } = "";
    [Column("role_id"), PrimaryKey] public string RoleId { get; set; } = "";
    [Column("inherited"), PrimaryKey] public bool Inherited { get; set; }
}

/// <summary>A role on the deployment as a whole (system scope, target "system").</summary>
[Table("system_assignment")]
internal sealed class SystemAssignmentRecord
{
    public const string UserSystem = "UserSystem";
    public const string GroupSystem = "GroupSystem";
    public const string SystemTarget = "system";

    [Column("type"), PrimaryKey] public string Type { get; set; } = "";
    [Column("actor_id"), PrimaryKey] public string ActorId { get; set; } = "";
    [Column("target_id"), PrimaryKey] public string TargetId { get; set; } = SystemTarget;
    [Column("role_id"), PrimaryKey] public string RoleId { get; set; } = "";
    [Column("inherited"), PrimaryKey] public bool Inherited { get; set; }
}
