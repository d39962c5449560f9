using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>What checks decide: substitution, missing keys, None, literals, case, credentials and the token.</summary>
public sealed class PolicyEvaluationTests
{
    private static readonly PolicyCredentials ProjectAdmin = Persona.ProjectAdmin.Credentials;

    [Theory]
    [InlineData("@", true)]
    [InlineData("!", false)]
    [InlineData("", true)]
    [InlineData("not @", false)]
    [InlineData("@ or ! and !", true)]
    [InlineData("(@ or !) and !", false)]
    [InlineData("not ! and !", false)]
    [InlineData("not (! and !)", true)]
    public void Constants_and_operators(string rule, bool expected) => Assert.Equal(expected, Evaluate(rule, ProjectAdmin));

    [Theory]
    [InlineData("role:admin", true)]
    [InlineData("role:ADMIN", true)]
    [InlineData("role:nobody", false)]
    [InlineData("roles:admin", true)]
    [InlineData("roles:ADMIN", false)]
    public void Role_checks_ignore_case_but_generic_checks_on_roles_do_not(string rule, bool expected) =>
        Assert.Equal(expected, Evaluate(rule, ProjectAdmin));

    [Fact]
    public void Roles_named_in_capitals_still_match_lower_case_rules()
    {
        var credentials = Persona.MixedCaseAdmin.Credentials;
        Assert.True(Evaluate("role:admin and role:member and role:reader", credentials));
        Assert.True(Evaluate("roles:Admin", credentials));
        Assert.False(Evaluate("roles:admin", credentials));
        Assert.True(Evaluate("role:%(target.role)s", credentials, new() { ["target.role"] = "rEaDeR" }));
    }

    [Fact]
    public void A_missing_target_key_fails_the_check_without_throwing_and_not_inverts_that()
    {
        Assert.False(Evaluate("user_id:%(target.user.id)s", ProjectAdmin));
        Assert.True(Evaluate("not user_id:%(target.user.id)s", ProjectAdmin));
        Assert.False(Evaluate("None:%(target.role.domain_id)s", ProjectAdmin));
        Assert.False(Evaluate("role:%(target.role.name)s", ProjectAdmin));
        Assert.True(Evaluate("user_id:%(target.user.id)s or role:admin", ProjectAdmin));
    }

    [Fact]
    public void Substitution_uses_python_str_of_the_target_value()
    {
        Dictionary<string, object?> target = new()
        {
            ["enabled"] = true,
            ["disabled"] = false,
            ["nothing"] = null,
            ["count"] = 16,
            ["ratio"] = 0.1,
            ["big"] = 1e16,
            ["list"] = new[] { "a", "b" },
        };
        Assert.True(Evaluate("True:%(enabled)s", ProjectAdmin, target));
        Assert.True(Evaluate("'False':%(disabled)s", ProjectAdmin, target));
        Assert.True(Evaluate("None:%(nothing)s", ProjectAdmin, target));
        Assert.True(Evaluate("0x10:%(count)s", ProjectAdmin, target));
        Assert.True(Evaluate("0.1:%(ratio)s", ProjectAdmin, target));
        Assert.True(Evaluate("1e16:%(big)s", ProjectAdmin, target));
        Assert.True(Evaluate("'1e+16':%(big)s", ProjectAdmin, target));
        Assert.False(Evaluate("True:%(count)s", ProjectAdmin, target));
        Assert.True(Evaluate("user_id:%(list)s", new PolicyCredentials { UserId = "['a', 'b']" }, target));
    }

    [Fact]
    public void None_equals_none_a_null_credential_matches_a_null_target_value()
    {
        // oslo compares text: a project-scoped token's domain_id is None, and so is this target's.
        Dictionary<string, object?> target = new() { ["target.domain_id"] = null };
        Assert.True(Evaluate("role:reader and domain_id:%(target.domain_id)s", Persona.ProjectReader.Credentials, target));
        Assert.False(Evaluate("role:reader and domain_id:%(target.domain_id)s", Persona.DomainReader.Credentials, target));
        Assert.True(Evaluate("domain_id:None", Persona.ProjectReader.Credentials));
        Assert.True(Evaluate("domain_id:None", new PolicyCredentials { DomainId = string.Empty }));
    }

    [Fact]
    public void Text_around_substitutions_and_percent_escapes()
    {
        Dictionary<string, object?> target = new() { ["id"] = "42", ["suffix"] = "-x" };
        Assert.True(Evaluate("user_id:u-%(id)s%(suffix)s", new PolicyCredentials { UserId = "u-42-x" }, target));
        Assert.False(Evaluate("user_id:u-%(id)s%(missing)s", new PolicyCredentials { UserId = "u-42" }, target));
        Assert.True(Evaluate("role:100%%", new PolicyCredentials { Roles = ["100%"] }));
    }

    [Theory]
    [InlineData("system_scope:all", "system_admin", true)]
    [InlineData("system_scope:all", "project_admin", false)]
    [InlineData("system:all", "system_admin", true)]
    [InlineData("system:all", "project_admin", false)]
    [InlineData("token.system.all:True", "system_admin", true)]
    [InlineData("token.system.all:True", "domain_admin", false)]
    [InlineData("domain_id:d1", "domain_admin", true)]
    [InlineData("token.domain.id:d1", "domain_admin", true)]
    [InlineData("token.domain.id:d1", "project_admin", false)]
    [InlineData("token.domain.name:domain-one", "domain_admin", true)]
    [InlineData("token.project.domain.id:d1", "project_admin", true)]
    [InlineData("token.project.domain.id:d1", "domain_admin", false)]
    [InlineData("token.project.id:p1", "project_admin", true)]
    [InlineData("token.project.name:project-one", "project_admin", true)]
    [InlineData("token.user.domain.id:d1", "domain_admin", true)]
    [InlineData("token.user.id:u-projadmin", "project_admin", true)]
    [InlineData("token.user.name:project_admin", "project_admin", true)]
    [InlineData("token.roles.name:reader", "project_admin", true)]
    [InlineData("token.roles.name:Reader", "project_admin", false)]
    [InlineData("token.roles.name:reader", "no_roles", false)]
    [InlineData("project_id:None", "domain_admin", true)]
    [InlineData("user_domain_id:default", "system_admin", true)]
    [InlineData("project_domain_id:d1", "project_admin", true)]
    [InlineData("is_admin_project:True", "project_admin", true)]
    [InlineData("is_admin:True", "project_admin", false)]
    [InlineData("is_admin:1", "project_admin", false)]
    [InlineData("service_roles:service", "service", false)]
    public void Credential_attributes(string rule, string persona, bool expected) =>
        Assert.Equal(expected, Evaluate(rule, Persona.All.Single(p => p.Name == persona).Credentials));

    [Fact]
    public void Is_admin_is_text_so_1_never_matches_a_boolean()
    {
        var flagged = Persona.FlaggedAdmin.Credentials;
        Assert.True(Evaluate("is_admin:True", flagged));
        Assert.False(Evaluate("is_admin:1", flagged));
        Assert.False(Evaluate("is_admin:true", flagged));
        Assert.True(Evaluate("is_admin_project:False", flagged));
        Assert.False(Evaluate("rule:admin_required", flagged, rules: ("admin_required", "role:admin or is_admin:1")));
    }

    [Fact]
    public void Service_credentials_come_from_the_service_token()
    {
        var credentials = new PolicyCredentials
        {
            UserId = "u1",
            ServiceUserId = "nova",
            ServiceUserDomainId = "default",
            ServiceProjectId = "service",
            ServiceProjectDomainId = "default",
            ServiceRoles = ["service"],
        };
        Assert.True(Evaluate("service_roles:service and service_user_id:nova and service_project_id:service", credentials));
        Assert.True(Evaluate("service_user_domain_id:default and service_project_domain_id:default", credentials));
        Assert.False(Evaluate("role:service", credentials));
    }

    [Fact]
    public void Rule_references_follow_overrides_and_fall_back_to_the_default_rule()
    {
        Assert.True(Evaluate("rule:a", ProjectAdmin, rules: ("a", "rule:b"), more: [("b", "role:admin")]));
        Assert.True(Evaluate("rule:undefined", ProjectAdmin, rules: ("default", "role:member")));
        Assert.False(Evaluate("rule:undefined", ProjectAdmin, rules: ("default", "role:nobody")));
        Assert.False(Evaluate("rule:undefined", ProjectAdmin));
        Assert.True(Evaluate("not rule:undefined", ProjectAdmin));
    }

    [Fact]
    public void The_default_rule_name_is_configurable()
    {
        var overrides = new[] { PolicyFileRule.FromText("fallback", "@"), PolicyFileRule.FromText("case", "rule:nothing") };
        var set = PolicyRuleSet.Build([], overrides, new PolicyOptions { DefaultRule = "fallback" }, "test", [], []);
        Assert.True(set.Rules["case"].Evaluate(ProjectAdmin, PolicyTarget.Empty));
    }

    private static bool Evaluate(
        string rule,
        in PolicyCredentials credentials,
        Dictionary<string, object?>? target = null,
        (string Name, string Text)? rules = null,
        (string Name, string Text)[]? more = null)
    {
        var overrides = new List<PolicyFileRule> { PolicyFileRule.FromText("case", rule) };
        if (rules is { } named)
        {
            overrides.Add(PolicyFileRule.FromText(named.Name, named.Text));
        }

        overrides.AddRange((more ?? []).Select(r => PolicyFileRule.FromText(r.Name, r.Text)));
        var errors = new List<string>();
        var set = PolicyRuleSet.Build([], overrides, new PolicyOptions(), "test", errors, []);
        Assert.Empty(errors);
        return set.Rules["case"].Evaluate(credentials, target ?? []);
    }
}
