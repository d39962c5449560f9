using Archway.Data.Configuration;
using Archway.Identity.Policy;
using Microsoft.Extensions.Logging;

namespace Archway.Identity.Tests.Policy;

/// <summary>Keystone 22's defaults as handlers meet them, the [oslo_policy] switches, and operators' policy files.</summary>
public sealed class PolicyEnforcerTests : IDisposable
{
    private static readonly PolicyEnforcer Zed = PolicyEnforcer.Create(new PolicyOptions());
    private readonly string _directory = Directory.CreateTempSubdirectory("archway-policy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("project_admin", true)]
    [InlineData("domain_admin", true)]
    [InlineData("system_admin", true)]
    [InlineData("mixed_case_admin", true)]
    [InlineData("project_member", false)]
    [InlineData("system_reader", false)]
    [InlineData("service", false)]
    [InlineData("no_roles", false)]
    public void Admin_anywhere_is_admin_everywhere_for_admin_required_rules(string persona, bool allowed)
    {
        // identity:create_user is rule:admin_required with scope_types system, domain and project: in Zed an admin
        // on any project or domain may create users in every domain.
        var caller = Find(persona);
        var target = TargetScenario.For("foreign", caller);
        Assert.Equal(allowed, Zed.Enforce("identity:create_user", caller.Credentials, target).Allowed);
    }

    [Fact]
    public void Readers_list_users_of_their_own_domain_only()
    {
        var reader = Persona.DomainReader;
        Assert.True(Zed.Enforce("identity:list_users", reader.Credentials, new Dictionary<string, object?> { ["target.domain_id"] = "d1" }).Allowed);
        Assert.False(Zed.Enforce("identity:list_users", reader.Credentials, new Dictionary<string, object?> { ["target.domain_id"] = "d2" }).Allowed);
        Assert.False(Zed.Enforce("identity:list_users", reader.Credentials, PolicyTarget.Empty).Allowed);
        Assert.True(Zed.Enforce("identity:list_users", Persona.SystemReader.Credentials, PolicyTarget.Empty).Allowed);
        Assert.False(Zed.Enforce("identity:list_users", Persona.ProjectReader.Credentials, PolicyTarget.Empty).Allowed);
    }

    [Theory]
    [InlineData("identity:get_user")]
    [InlineData("identity:list_user_projects")]
    [InlineData("identity:list_groups_for_user")]
    [InlineData("identity:get_application_credential")]
    public void Owners_may_read_their_own_user(string action)
    {
        var member = Persona.ProjectMember;
        Assert.True(Zed.Enforce(action, member.Credentials, TargetScenario.For("own", member)).Allowed);
        Assert.False(Zed.Enforce(action, member.Credentials, TargetScenario.For("foreign", member)).Allowed);
    }

    [Fact]
    public void Token_subjects_and_services_validate_tokens()
    {
        var member = Persona.ProjectMember;
        Dictionary<string, object?> own = new() { ["target.token.user_id"] = member.UserId };
        Dictionary<string, object?> other = new() { ["target.token.user_id"] = "u-other" };
        Assert.True(Zed.Enforce("identity:validate_token", member.Credentials, own).Allowed);
        Assert.True(Zed.Enforce("identity:check_token", member.Credentials, own).Allowed);
        Assert.True(Zed.Enforce("identity:revoke_token", member.Credentials, own).Allowed);
        Assert.False(Zed.Enforce("identity:validate_token", member.Credentials, other).Allowed);
        Assert.True(Zed.Enforce("identity:validate_token", Persona.Service.Credentials, other).Allowed);
        Assert.False(Zed.Enforce("identity:revoke_token", Persona.Service.Credentials, other).Allowed);
        Assert.True(Zed.Enforce("identity:validate_token", Persona.SystemReader.Credentials, other).Allowed);
    }

    [Fact]
    public void Unregistered_actions_are_refused_with_keystones_generic_message()
    {
        // Keystone's password change API is not policy-enforced at all; there is no identity:change_password rule.
        foreach (var action in new[] { "identity:change_password", "identity:revocation_list", "identity:no_such_thing" })
        {
            var decision = Zed.Enforce(action, Persona.SystemAdmin.Credentials, PolicyTarget.Empty);
            Assert.Equal(PolicyOutcome.UnknownAction, decision.Outcome);
            Assert.Equal("You are not authorized to perform the requested action.", decision.Message);
            Assert.False(Zed.IsRegistered(action));
        }
    }

    [Fact]
    public void Denials_carry_keystones_forbidden_action_message()
    {
        var decision = Zed.Enforce("identity:create_user", Persona.ProjectMember.Credentials, PolicyTarget.Empty);
        Assert.Equal(new PolicyDecision(PolicyOutcome.Denied, "You are not authorized to perform the requested action: identity:create_user."), decision);
        Assert.Equal(PolicyDecision.Allow, Zed.Enforce("identity:get_auth_catalog", Persona.NoRoles.Credentials, PolicyTarget.Empty));
    }

    [Fact]
    public void Every_keystone_action_is_registered_in_order()
    {
        Assert.Equal(KeystonePolicyDefaults.Rules.Where(r => !r.DeprecatedForRemoval).Select(r => r.Name), Zed.Actions);
        Assert.Equal(193, Zed.Actions.Count(a => a.StartsWith("identity:", StringComparison.Ordinal)));
        Assert.True(Zed.IsRegistered("identity:list_projects"));
        Assert.True(Zed.IsRegistered("admin_required"));
    }

    [Fact]
    public void Deprecated_rules_are_ored_in_until_enforce_new_defaults()
    {
        // identity:get_project's new default dropped rule:admin_required; the deprecated rule still has it.
        var admin = Persona.ProjectAdmin;
        var foreign = TargetScenario.For("foreign", admin);
        var strict = PolicyEnforcer.Create(new PolicyOptions { EnforceNewDefaults = true });
        Assert.True(Zed.Enforce("identity:get_project", admin.Credentials, foreign).Allowed);
        Assert.False(strict.Enforce("identity:get_project", admin.Credentials, foreign).Allowed);
        Assert.Equal(
            "(((role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s) or project_id:%(target.project.id)s) or (rule:admin_required or project_id:%(target.project.id)s))",
            Zed.EffectiveRule("identity:get_project")!.ToString());
        Assert.Equal("rule:admin_required", Zed.EffectiveRule("identity:create_user")!.ToString());
        Assert.Equal("rule:admin_or_owner", Zed.EffectiveRule("identity:delete_application_credential")!.ToString());
    }

    [Fact]
    public void Scope_mismatches_are_logged_once_until_enforce_scope_denies_them()
    {
        // identity:create_endpoint is admin_required with scope_types system and project; a domain admin passes the rule.
        var domainAdmin = Persona.DomainAdmin.Credentials;
        var logger = new ListLogger();
        var lenient = PolicyEnforcer.Create(new PolicyOptions(), logger);
        Assert.True(lenient.Enforce("identity:create_endpoint", domainAdmin, PolicyTarget.Empty).Allowed);
        Assert.True(lenient.Enforce("identity:create_endpoint", domainAdmin, PolicyTarget.Empty).Allowed);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("identity:create_endpoint failed scope check", warning.Message, StringComparison.Ordinal);
        Assert.Contains("domain scoped but the policy requires system, project scope", warning.Message, StringComparison.Ordinal);

        var strict = PolicyEnforcer.Create(new PolicyOptions { EnforceScope = true });
        var decision = strict.Enforce("identity:create_endpoint", domainAdmin, PolicyTarget.Empty);
        Assert.Equal(PolicyOutcome.ScopeMismatch, decision.Outcome);
        Assert.Equal("You are not authorized to perform the requested action: identity:create_endpoint.", decision.Message);
        Assert.True(strict.Enforce("identity:create_endpoint", Persona.SystemAdmin.Credentials, PolicyTarget.Empty).Allowed);

        // Unscoped tokens count as project scope; rules without scope_types are never scope-checked.
        Assert.True(strict.Enforce("identity:get_auth_projects", Persona.NoRoles.Credentials, PolicyTarget.Empty).Allowed);
        Assert.Equal(PolicyOutcome.ScopeMismatch, strict.Enforce("identity:list_domains", domainAdmin, PolicyTarget.Empty).Outcome);
    }

    [Fact]
    public void A_yaml_policy_file_overrides_single_rules()
    {
        var path = Write("policy.yaml", """
            # Cloud admins are a separate role here.
            "admin_required": "role:cloud_admin"
            "identity:get_project": "role:reader and project_id:%(target.project.id)s"
            "identity:list_regions": "!"
            """);
        var enforcer = PolicyEnforcer.Create(new PolicyOptions { PolicyFile = path });
        var admin = Persona.ProjectAdmin;
        var cloudAdmin = admin with { Roles = ["cloud_admin"] };

        Assert.False(enforcer.Enforce("identity:create_user", admin.Credentials, PolicyTarget.Empty).Allowed);
        Assert.True(enforcer.Enforce("identity:create_user", cloudAdmin.Credentials, PolicyTarget.Empty).Allowed);

        // The override replaces the default outright: no deprecated rule is OR'd in.
        Assert.False(enforcer.Enforce("identity:get_project", admin.Credentials, TargetScenario.For("foreign", admin)).Allowed);
        Assert.True(enforcer.Enforce("identity:get_project", admin.Credentials, TargetScenario.For("own", admin)).Allowed);
        Assert.False(enforcer.Enforce("identity:list_regions", admin.Credentials, PolicyTarget.Empty).Allowed);
        Assert.True(enforcer.Enforce("identity:get_region", admin.Credentials, PolicyTarget.Empty).Allowed);
    }

    [Fact]
    public void A_json_policy_file_overrides_single_rules_in_either_form()
    {
        var path = Write("policy.json", """
            {
              "identity:list_projects": [["role:auditor", "system_scope:all"], ["role:admin"]],
              "identity:get_region": "role:member"
            }
            """);
        var enforcer = PolicyEnforcer.Create(new PolicyOptions { PolicyFile = path });
        var auditor = Persona.SystemReader with { Roles = ["auditor"] };
        Assert.True(enforcer.Enforce("identity:list_projects", auditor.Credentials, PolicyTarget.Empty).Allowed);
        Assert.False(enforcer.Enforce("identity:list_projects", Persona.SystemReader.Credentials, PolicyTarget.Empty).Allowed);
        Assert.False(enforcer.Enforce("identity:get_region", Persona.NoRoles.Credentials, PolicyTarget.Empty).Allowed);
    }

    [Fact]
    public void A_missing_policy_file_leaves_the_defaults_and_says_so()
    {
        var logger = new ListLogger();
        var enforcer = PolicyEnforcer.Create(new PolicyOptions { PolicyFile = Path.Combine(_directory, "policy.yaml") }, logger);
        Assert.True(enforcer.Enforce("identity:create_user", Persona.ProjectAdmin.Credentials, PolicyTarget.Empty).Allowed);
        Assert.Contains(logger.Entries, e => e.Message.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_policy_file_fails_start_up_listing_every_bad_rule()
    {
        var path = Write("policy.yaml", """
            "identity:get_user": "role:admin or"
            "identity:list_users": "rule:admin_required"
            "identity:create_user": "admin"
            "identity:update_user": !
            "identity:delete_user": "user_id:%(target.user.id)d"
            "loop_a": "rule:loop_b or role:x"
            "loop_b": "not rule:loop_a"
            "identity:get_group": "(role:reader"
            """);
        var e = Assert.Throws<ConfigurationException>(() => PolicyEnforcer.Create(new PolicyOptions { PolicyFile = path }));
        Assert.Equal(6, e.Problems.Count);
        Assert.All(e.Problems, p => Assert.StartsWith(path, p, StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("line 1: \"identity:get_user\": cannot parse \"role:admin or\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("line 3: \"identity:create_user\": \"admin\" is not a check", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("line 4: a value cannot start with '!'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("\"identity:delete_user\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("cycle: \"loop_a\" -> \"loop_b\" -> \"loop_a\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("\"identity:get_group\": cannot parse", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Problems, p => p.Contains("identity:list_users", StringComparison.Ordinal));
        Assert.Contains("Invalid configuration", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_json_policy_file_lists_every_bad_rule_too()
    {
        var path = Write("policy.json", """{"identity:get_user": 1, "identity:list_users": "role:", "identity:create_user": "or", "x": [[2]]}""");
        var e = Assert.Throws<ConfigurationException>(() => PolicyEnforcer.Create(new PolicyOptions { PolicyFile = path }));
        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("\"identity:get_user\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("\"identity:create_user\"", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("\"x\"", StringComparison.Ordinal));
    }

    [Fact]
    public void References_to_undefined_rules_are_warnings_and_never_match()
    {
        var logger = new ListLogger();
        var enforcer = PolicyEnforcer.Create(new PolicyOptions(), "\"identity:list_roles\": \"rule:no_such_rule or role:auditor\"\n", "policy.yaml", KeystonePolicyDefaults.Rules, logger);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("undefined rule \"no_such_rule\", which never matches", StringComparison.Ordinal));
        Assert.False(enforcer.Enforce("identity:list_roles", Persona.SystemAdmin.Credentials, PolicyTarget.Empty).Allowed);
    }

    [Fact]
    public void An_override_of_a_renamed_rules_old_name_carries_over_to_the_new_name()
    {
        PolicyRuleDefault[] defaults = [new("foo:create_bar", "role:bang", PolicyScopes.None, new DeprecatedPolicyRule("foo:post_bar", "role:fizz"))];
        var caller = new PolicyCredentials { Roles = ["custom"] };

        var kept = PolicyEnforcer.Create(new PolicyOptions(), "\"foo:post_bar\": \"role:custom\"", "policy.yaml", defaults);
        Assert.Equal("role:custom", kept.EffectiveRule("foo:create_bar")!.ToString());
        Assert.True(kept.Enforce("foo:create_bar", caller, PolicyTarget.Empty).Allowed);

        // Pointing the old name at the new one (what the sample generator writes) is not an override.
        var pointed = PolicyEnforcer.Create(new PolicyOptions(), "\"foo:post_bar\": \"rule:foo:create_bar\"", "policy.yaml", defaults);
        Assert.Equal("(role:bang or role:fizz)", pointed.EffectiveRule("foo:create_bar")!.ToString());

        var newOnly = PolicyEnforcer.Create(new PolicyOptions { EnforceNewDefaults = true }, null, "none", defaults);
        Assert.Equal("role:bang", newOnly.EffectiveRule("foo:create_bar")!.ToString());
    }

    [Fact]
    public void Enforcing_does_not_allocate()
    {
        var credentials = Persona.DomainReader.Credentials;
        var target = TargetScenario.For("same_domain", Persona.DomainReader);
        string[] actions = ["identity:get_user", "identity:list_users", "identity:create_grant", "identity:get_domain", "identity:validate_token", "identity:no_such_thing"];
        foreach (var action in actions)
        {
            Zed.Enforce(action, credentials, target);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var action in actions)
            {
                Zed.Enforce(action, credentials, target);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static Persona Find(string name) => Persona.All.Single(p => p.Name == name);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
