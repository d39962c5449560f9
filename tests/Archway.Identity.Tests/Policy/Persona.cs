using System.Text.Json.Nodes;
using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>A caller for policy tests: what its token says, as credentials here and as JSON for the oracle.</summary>
internal sealed record Persona(string Name, string UserId, string UserDomainId, string[] Roles)
{
    public const string Domain = "d1";
    public const string OtherDomain = "d2";

    public string? ProjectId { get; init; }

    public string? ProjectDomainId { get; init; }

    public string? DomainId { get; init; }

    public string? SystemScope { get; init; }

    public bool IsAdminProject { get; init; } = true;

    public bool? IsAdmin { get; init; }

    public string? UserName { get; init; }

    public string? ProjectName { get; init; }

    public string? DomainName { get; init; }

    private static readonly string[] Admin = ["admin", "member", "reader"];
    private static readonly string[] Member = ["member", "reader"];
    private static readonly string[] Reader = ["reader"];

    public static Persona SystemAdmin { get; } = System("system_admin", "u-sysadmin", Admin);

    public static Persona SystemMember { get; } = System("system_member", "u-sysmember", Member);

    public static Persona SystemReader { get; } = System("system_reader", "u-sysreader", Reader);

    public static Persona DomainAdmin { get; } = DomainScoped("domain_admin", "u-domadmin", Admin);

    public static Persona DomainMember { get; } = DomainScoped("domain_member", "u-dommember", Member);

    public static Persona DomainReader { get; } = DomainScoped("domain_reader", "u-domreader", Reader);

    public static Persona ProjectAdmin { get; } = ProjectScoped("project_admin", "u-projadmin", Admin);

    public static Persona ProjectMember { get; } = ProjectScoped("project_member", "u-projmember", Member);

    public static Persona ProjectReader { get; } = ProjectScoped("project_reader", "u-projreader", Reader);

    /// <summary>An unscoped token: no roles; oslo's scope check calls it project scope.</summary>
    public static Persona NoRoles { get; } = new("no_roles", "u-none", Domain, []);

    /// <summary>A project-scoped token without roles (Keystone would not issue one; policy must still deny).</summary>
    public static Persona ProjectNoRoles { get; } = ProjectScoped("project_no_roles", "u-projnone", []);

    /// <summary>A service user (nova, glance) with the service role on the service project.</summary>
    public static Persona Service { get; } = new("service", "u-nova", "default", ["service"])
    {
        ProjectId = "service",
        ProjectDomainId = "default",
        ProjectName = "service",
        UserName = "nova",
    };

    /// <summary>Role names as an operator might capitalize them; role: checks ignore case.</summary>
    public static Persona MixedCaseAdmin { get; } = ProjectScoped("mixed_case_admin", "u-mixed", ["Admin", "Member", "READER"]);

    /// <summary>Not the admin project, with is_admin in its credentials (Keystone never sets it; the language allows it).</summary>
    public static Persona FlaggedAdmin { get; } = ProjectScoped("flagged_admin", "u-flagged", ["member"]) with
    {
        IsAdminProject = false,
        IsAdmin = true,
    };

    public static IReadOnlyList<Persona> All { get; } =
    [
        SystemAdmin, SystemMember, SystemReader, DomainAdmin, DomainMember, DomainReader, ProjectAdmin, ProjectMember,
        ProjectReader, NoRoles, ProjectNoRoles, Service, MixedCaseAdmin,
    ];

    /// <summary>The domain this caller's things live in.</summary>
    public string HomeDomain => DomainId ?? ProjectDomainId ?? UserDomainId;

    public PolicyCredentials Credentials => new()
    {
        UserId = UserId,
        UserDomainId = UserDomainId,
        ProjectId = ProjectId,
        ProjectDomainId = ProjectDomainId,
        DomainId = DomainId,
        SystemScope = SystemScope,
        Roles = Roles,
        IsAdminProject = IsAdminProject,
        IsAdmin = IsAdmin,
        UserName = UserName,
        UserDomainName = UserDomainId,
        ProjectName = ProjectName,
        ProjectDomainName = ProjectDomainId,
        DomainName = DomainName,
    };

    public JsonObject ToJson() => new()
    {
        ["user_id"] = UserId,
        ["user_domain_id"] = UserDomainId,
        ["project_id"] = ProjectId,
        ["project_domain_id"] = ProjectDomainId,
        ["domain_id"] = DomainId,
        ["system_scope"] = SystemScope,
        ["roles"] = new JsonArray([.. Roles.Select(r => (JsonNode?)r)]),
        ["is_admin_project"] = IsAdminProject,
        ["is_admin"] = IsAdmin,
        ["user_name"] = UserName,
        ["user_domain_name"] = UserDomainId,
        ["project_name"] = ProjectName,
        ["project_domain_name"] = ProjectDomainId,
        ["domain_name"] = DomainName,
    };

    public override string ToString() => Name;

    private static Persona System(string name, string user, string[] roles) =>
        new(name, user, "default", roles) { SystemScope = "all", UserName = name };

    private static Persona DomainScoped(string name, string user, string[] roles) =>
        new(name, user, Domain, roles) { DomainId = Domain, DomainName = "domain-one", UserName = name };

    private static Persona ProjectScoped(string name, string user, string[] roles) =>
        new(name, user, Domain, roles) { ProjectId = "p1", ProjectDomainId = Domain, ProjectName = "project-one", UserName = name };
}
