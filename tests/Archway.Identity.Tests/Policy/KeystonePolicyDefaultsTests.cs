using Archway.Identity.Policy;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Policy;

/// <summary>The generated table of Keystone's defaults: current with the installed Keystone, and usable.</summary>
public sealed class KeystonePolicyDefaultsTests(ITestOutputHelper output)
{
    private const string TablePath = "src/Archway.Identity/Policy/KeystonePolicyDefaults.g.cs";

    [Fact]
    public void The_committed_table_is_what_the_generator_writes_from_the_installed_keystone()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        var generated = OsloPolicyOracle.RunScript(OsloPolicyOracle.FindFile("generate_keystone_policy_defaults.py"));
        var committed = File.ReadAllText(Path.Combine(OsloPolicyOracle.RepositoryRoot(), TablePath));
        Assert.Equal(committed.ReplaceLineEndings("\n"), generated.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_table_names_every_rule_oslo_policy_registers_for_keystone()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        var answer = OsloPolicyOracle.Ask(new() { ["op"] = "defaults" });
        Assert.Equal(answer["names"]!.AsArray().Select(n => n!.GetValue<string>()), KeystonePolicyDefaults.Rules.Select(r => r.Name));
        Assert.Equal(
            answer["possible"]!.AsArray().Select(n => n!.GetValue<string>()),
            PolicyEnforcer.Create(new PolicyOptions()).Actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_table_holds_the_base_rules_and_every_identity_rule_once()
    {
        var names = KeystonePolicyDefaults.Rules.Select(r => r.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            ["admin_required", "service_role", "service_or_admin", "owner", "admin_or_owner", "token_subject", "admin_or_token_subject", "service_admin_or_token_subject"],
            names.Where(n => !n.StartsWith("identity:", StringComparison.Ordinal)));
        Assert.Equal(194, names.Count(n => n.StartsWith("identity:", StringComparison.Ordinal)));
        var getUser = KeystonePolicyDefaults.Rules.Single(r => r.Name == "identity:get_user");
        Assert.Equal(PolicyScopes.System | PolicyScopes.Domain | PolicyScopes.Project, getUser.ScopeTypes);
        Assert.Equal(new DeprecatedPolicyRule("identity:get_user", "rule:admin_or_owner"), getUser.DeprecatedRule);
        Assert.True(KeystonePolicyDefaults.Rules.Single(r => r.Name == "identity:revocation_list").DeprecatedForRemoval);
        Assert.Equal("22.0.2", KeystonePolicyDefaults.KeystoneVersion);
    }

    [Fact]
    public void Every_setting_compiles_the_defaults_without_warnings()
    {
        foreach (var options in new[] { new PolicyOptions(), new PolicyOptions { EnforceNewDefaults = true, EnforceScope = true } })
        {
            var logger = new ListLogger();
            var enforcer = PolicyEnforcer.Create(options, logger);
            Assert.Empty(logger.Entries);
            Assert.All(enforcer.Actions, a => Assert.NotNull(enforcer.EffectiveRule(a)));
        }
    }
}
