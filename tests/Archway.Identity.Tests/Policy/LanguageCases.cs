using System.Collections.Concurrent;
using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>
/// Check strings that exercise every construct of the policy language, with the callers and targets to evaluate
/// them against; shared by the unit tests and the comparison with oslo.policy.
/// </summary>
internal static class LanguageCases
{
    private static readonly ConcurrentDictionary<string, PolicyCheck> Compiled = new(StringComparer.Ordinal);

    /// <summary>Named rules the cases refer to with rule:; "default" catches undefined names.</summary>
    public static IReadOnlyDictionary<string, string> NamedRules { get; } = new Dictionary<string, string>
    {
        ["base_admin"] = "role:admin",
        ["base_owner"] = "user_id:%(target.user.id)s",
        ["default"] = "role:member",
    };

    public static IReadOnlyList<string> Rules { get; } =
    [
        // Constants, operators, precedence, parentheses, case of operators.
        "@", "!", "", "not @", "@ and !", "! or @", "@ or ! and !", "not ! and !",
        "role:admin", "role:ADMIN", "role:Admin", "role:member", "role:nobody",
        "not role:admin", "not not role:admin",
        "role:admin and role:member", "role:admin or role:member",
        "role:nobody or role:member and role:reader", "role:member and role:reader or role:nobody",
        "role:reader and not role:admin or role:member",
        "(role:nobody or role:member) and role:reader", "role:nobody or (role:member and role:reader)",
        "not (role:admin or role:member)", "not role:admin and role:member", "not (role:admin and role:reader)",
        "role:admin AND role:reader", "role:nobody Or role:reader", "NOT role:admin", "((role:admin))",
        "role:nobody or (role:admin and role:reader) and role:member",
        "(role:admin and role:reader) and role:member or role:nobody",

        // Substitution from the target, missing keys, None.
        "role:%(target.role.name)s", "not role:%(target.role.name)s",
        "user_id:%(user_id)s", "user_id:%(target.user.id)s", "user_id:%(missing)s", "not user_id:%(missing)s",
        "project_id:%(target.project.id)s", "domain_id:%(target.domain_id)s", "not domain_id:%(target.domain_id)s",
        "user_id:prefix-%(target.user.id)s", "user_id:%(target.user.id)s%(target.suffix)s", "role:100%%",
        "user_id:%(target.missing)s or role:member", "user_id:%(target.missing)s and role:member",

        // Literal kinds.
        "None:%(target.role.domain_id)s", "not None:%(target.role.domain_id)s",
        "True:%(target.user.enabled)s", "False:%(target.user.enabled)s", "None:%(target.user.enabled)s",
        "1:%(target.count)s", "16:%(target.count)s", "0x10:%(target.count)s", "0o20:%(target.count)s", "1_6:%(target.count)s",
        "-1:%(target.negative)s", "+16:%(target.count)s", "1.5:%(target.ratio)s", "1.50025e3:%(target.big)s", "1500.25:%(target.big)s", "1e3:%(target.thousand)s",
        "'Member':%(target.role.name)s", "\"Member\":%(target.role.name)s", "u'Member':%(target.role.name)s",
        "'True':%(target.user.enabled)s", "True:True", "None:None", "1:1", "1.0:1.0", "1:1.0",

        // Credential attributes, lists, and the rendered token.
        "system_scope:all", "system:all", "is_admin:True", "is_admin:1", "is_admin:true",
        "is_admin_project:True", "is_admin_project:False", "roles:admin", "roles:Admin", "roles:READER",
        "user_domain_id:%(target.user.domain_id)s", "project_domain_id:%(target.project.domain_id)s",
        "domain_id:None", "project_id:None", "system_scope:None", "service_roles:service", "service_user_id:None",
        "token.domain.id:%(target.domain.id)s", "token.project.domain.id:%(target.domain.id)s",
        "token.project.id:%(target.project.id)s", "token.project.name:project-one",
        "token.user.domain.id:%(target.user.domain_id)s", "token.user.id:%(target.user.id)s", "token.user.name:%(target.user.name)s",
        "token.system.all:True", "token.roles.name:admin", "token.roles.name:Admin", "token.domain.name:domain-one",
        "tenant_id:%(target.project.id)s", "not tenant_id:%(target.project.id)s", "Role:admin", "RULE:base_admin",

        // References.
        "rule:base_admin", "rule:base_owner", "rule:undefined_name", "not rule:base_admin",
        "rule:base_admin or rule:base_owner", "rule:base_admin and rule:base_owner",
    ];

    public static IReadOnlyList<Persona> Personas { get; } =
    [
        Persona.ProjectAdmin, Persona.DomainReader, Persona.SystemAdmin, Persona.FlaggedAdmin, Persona.MixedCaseAdmin, Persona.NoRoles,
    ];

    public static IReadOnlyList<(string Name, Dictionary<string, object?> Target)> Targets { get; } =
    [
        ("matching", new()
        {
            ["user_id"] = "u-projadmin",
            ["target.user.id"] = "u-projadmin",
            ["target.user.name"] = "project_admin",
            ["target.user.domain_id"] = Persona.Domain,
            ["target.user.enabled"] = true,
            ["target.project.id"] = "p1",
            ["target.project.domain_id"] = Persona.Domain,
            ["target.domain.id"] = Persona.Domain,
            ["target.domain_id"] = Persona.Domain,
            ["target.role.domain_id"] = null,
            ["target.role.name"] = "Member",
            ["target.count"] = 16,
            ["target.ratio"] = 1.5,
            ["target.negative"] = -1,
            ["target.big"] = 1500.25,
            ["target.thousand"] = "1000.0",
            ["target.suffix"] = string.Empty,
            ["target.list"] = new List<object?> { "a", "b" },
        }),
        ("other", new()
        {
            ["user_id"] = "u-domreader",
            ["target.user.id"] = "u-someone",
            ["target.user.name"] = "someone",
            ["target.user.domain_id"] = Persona.OtherDomain,
            ["target.user.enabled"] = false,
            ["target.project.id"] = "p2",
            ["target.project.domain_id"] = Persona.OtherDomain,
            ["target.domain.id"] = Persona.OtherDomain,
            ["target.domain_id"] = Persona.OtherDomain,
            ["target.role.domain_id"] = Persona.OtherDomain,
            ["target.role.name"] = "READER",
            ["target.count"] = "16",
            ["target.ratio"] = "1.5",
            ["target.negative"] = "-1",
            ["target.big"] = "1500.25",
            ["target.thousand"] = 1000,
            ["target.suffix"] = "-x",
        }),
        ("none_values", new()
        {
            ["user_id"] = null,
            ["target.user.id"] = null,
            ["target.user.domain_id"] = null,
            ["target.user.enabled"] = null,
            ["target.project.id"] = null,
            ["target.project.domain_id"] = null,
            ["target.domain.id"] = null,
            ["target.domain_id"] = null,
            ["target.role.domain_id"] = null,
            ["target.role.name"] = null,
        }),
        ("empty", []),
    ];

    /// <summary>Compiles a case the way the enforcer compiles a file rule, linked against <see cref="NamedRules"/>.</summary>
    public static PolicyCheck Compile(string rule) => Compiled.GetOrAdd(rule, text =>
    {
        var overrides = NamedRules.Select(r => PolicyFileRule.FromText(r.Key, r.Value)).Append(PolicyFileRule.FromText("case", text)).ToList();
        var errors = new List<string>();
        var set = PolicyRuleSet.Build([], overrides, new PolicyOptions(), "cases", errors, []);
        Assert.True(errors.Count == 0, string.Join('\n', errors));
        return set.Rules["case"];
    });
}
