using System.Text.Json.Nodes;
using Archway.Identity.Policy;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Policy;

/// <summary>
/// The same questions put to the real oslo.policy with Keystone 22's registered defaults
/// (oslo_policy_oracle.py) and to <see cref="PolicyEnforcer"/>: every registered action for every persona and
/// target, under both settings of enforce_scope and enforce_new_defaults and with operator files; then the policy
/// language itself, parse trees, and policy file reading.
/// </summary>
public sealed class OsloPolicyDifferentialTests(ITestOutputHelper output)
{
    /// <summary>An operator's YAML: base-rule override, allow-all, deny-all, aliases, the default rule, an undefined reference.</summary>
    private const string YamlOverrides = """
        # Operator overrides, as oslopolicy-sample-generator would lay them out.
        "admin_required": "role:admin or role:cloud_admin"
        identity:get_user: "rule:admin_required or user_id:%(target.user.id)s or role:auditor"
        "identity:list_projects": ""
        'identity:delete_user': '!'
        "identity:get_project": "role:reader and (project_id:%(target.project.id)s or domain_id:%(target.project.domain_id)s)"
        "member_not_reader": "role:member and not role:reader"
        "identity:create_credential": "rule:member_not_reader or rule:no_such_rule"
        "default": "role:member"
        "identity:list_roles": "rule:does_not_exist"
        "identity:validate_token":
          rule:service_role or
          rule:token_subject
        """;

    /// <summary>An operator's JSON, with the legacy list-of-lists form.</summary>
    private const string JsonOverrides = """
        {
          "identity:get_domain": [["role:admin", "system_scope:all"], ["role:reader"]],
          "service_role": "role:service or role:SERVICE_alt",
          "identity:list_services": [],
          "identity:list_endpoints": [[]],
          "identity:get_region": "@",
          "identity:list_users": ["role:member", ["role:reader", "domain_id:%(target.domain_id)s"]]
        }
        """;

    private static readonly string[] ExtraActions = ["identity:change_password", "identity:revocation_list", "identity:not_a_rule"];

    private static readonly (string Name, PolicyOptions Options, string? File, string Suffix)[] Configs =
    [
        ("Zed defaults", new PolicyOptions(), null, "yaml"),
        ("enforce_scope", new PolicyOptions { EnforceScope = true }, null, "yaml"),
        ("enforce_new_defaults", new PolicyOptions { EnforceNewDefaults = true }, null, "yaml"),
        ("enforce_scope + enforce_new_defaults", new PolicyOptions { EnforceScope = true, EnforceNewDefaults = true }, null, "yaml"),
        ("YAML overrides", new PolicyOptions(), YamlOverrides, "yaml"),
        ("JSON overrides, new defaults and scope", new PolicyOptions { EnforceScope = true, EnforceNewDefaults = true }, JsonOverrides, "json"),
    ];

    [Fact]
    public void Keystone_actions_match_oslo_policy_for_every_persona_target_and_setting()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        var actions = PolicyEnforcer.Create(new PolicyOptions(), null, "none", KeystonePolicyDefaults.Rules).Actions.Concat(ExtraActions).ToArray();
        var targets = new List<(Persona Persona, string Scenario, Dictionary<string, object?> Target)>();
        foreach (var persona in Persona.All)
        {
            foreach (var scenario in TargetScenario.Names)
            {
                targets.Add((persona, scenario, TargetScenario.For(scenario, persona)));
            }
        }

        // Targets depend on the persona, so the oracle pairs persona i with target i.
        var request = new JsonObject
        {
            ["op"] = "keystone",
            ["personas"] = new JsonArray([.. targets.Select(t => (JsonNode)t.Persona.ToJson())]),
            ["targets"] = new JsonArray([.. targets.Select(t => (JsonNode)TargetScenario.ToJson(t.Target))]),
            ["actions"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
            ["configs"] = new JsonArray([.. Configs.Select(c => (JsonNode)new JsonObject
            {
                ["enforce_scope"] = c.Options.EnforceScope,
                ["enforce_new_defaults"] = c.Options.EnforceNewDefaults,
                ["policy_file"] = c.File,
                ["policy_file_suffix"] = c.Suffix,
            })]),
        };
        var answers = OsloPolicyOracle.Ask(request)["answers"]!.AsArray();

        // A broken oracle (everything denied, say) must not pass for agreement.
        var letters = string.Concat(answers.Select(a => a!.GetValue<string>()));
        Assert.All("ADSU", letter => Assert.Contains(letter, letters));
        Assert.DoesNotContain('E', letters);

        var mismatches = new List<string>();
        var evaluated = 0;
        for (var c = 0; c < Configs.Length; c++)
        {
            var config = Configs[c];
            var enforcer = PolicyEnforcer.Create(config.Options, config.File, "policy." + config.Suffix, KeystonePolicyDefaults.Rules);
            var expected = answers[c]!.GetValue<string>();
            Assert.Equal(targets.Count * actions.Length, expected.Length);
            var index = 0;
            foreach (var (persona, scenario, target) in targets)
            {
                var credentials = persona.Credentials;
                foreach (var action in actions)
                {
                    var ours = Letter(enforcer.Enforce(action, credentials, target).Outcome);
                    var theirs = expected[index++];
                    evaluated++;
                    if (ours != theirs)
                    {
                        mismatches.Add($"[{config.Name}] {persona} on {scenario}: {action}: oslo.policy {theirs}, Archway {ours}");
                    }
                }
            }
        }

        output.WriteLine($"{evaluated} decisions compared ({actions.Length} actions, {targets.Count} persona/target pairs, {Configs.Length} settings).");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {evaluated} decisions differ:\n{string.Join('\n', mismatches.Take(60))}");
    }

    [Fact]
    public void An_unquoted_bang_in_yaml_allows_everyone_in_oslo_policy_and_is_rejected_here()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        // PyYAML reads `!` as an empty tag, i.e. null, and oslo.policy parses a null rule as "always".
        const string file = "\"identity:delete_user\": !\n";
        var request = new JsonObject
        {
            ["op"] = "keystone",
            ["personas"] = new JsonArray(Persona.NoRoles.ToJson()),
            ["targets"] = new JsonArray(new JsonObject()),
            ["actions"] = new JsonArray("identity:delete_user"),
            ["configs"] = new JsonArray(new JsonObject { ["policy_file"] = file }),
        };
        Assert.Equal("A", OsloPolicyOracle.Ask(request)["answers"]![0]!.GetValue<string>());

        var e = Assert.Throws<Data.Configuration.ConfigurationException>(
            () => PolicyEnforcer.Create(new PolicyOptions(), file, "policy.yaml", KeystonePolicyDefaults.Rules));
        Assert.Contains("policy.yaml: line 1: a value cannot start with '!'", Assert.Single(e.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_language_evaluates_as_oslo_policy_does()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        var cases = new List<(string Rule, Persona Persona, string TargetName, Dictionary<string, object?> Target)>();
        foreach (var rule in LanguageCases.Rules)
        {
            foreach (var persona in LanguageCases.Personas)
            {
                foreach (var (name, target) in LanguageCases.Targets)
                {
                    cases.Add((rule, persona, name, target));
                }
            }
        }

        var request = new JsonObject
        {
            ["op"] = "check",
            ["rules"] = ToJson(LanguageCases.NamedRules),
            ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
            {
                ["rule"] = c.Rule,
                ["persona"] = c.Persona.ToJson(),
                ["target"] = TargetScenario.ToJson(c.Target),
            })]),
        };
        var results = OsloPolicyOracle.Ask(request)["results"]!.AsArray();

        var mismatches = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var (rule, persona, targetName, target) = cases[i];
            var check = LanguageCases.Compile(rule);
            var ours = check.Evaluate(persona.Credentials, target);
            var theirs = results[i]!.ToJsonString();
            if (theirs != (ours ? "true" : "false"))
            {
                mismatches.Add($"\"{rule}\" for {persona} on {targetName}: oslo.policy {theirs}, Archway {ours}");
            }
        }

        output.WriteLine($"{cases.Count} evaluations compared.");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} evaluations differ:\n{string.Join('\n', mismatches.Take(60))}");
    }

    [Fact]
    public void Parse_trees_and_parse_failures_match_oslo_policy()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        string[] texts =
        [
            .. LanguageCases.Rules,
            .. KeystonePolicyDefaults.Rules.Select(r => r.CheckString),
            .. KeystonePolicyDefaults.Rules.Where(r => r.DeprecatedRule is not null).Select(r => r.DeprecatedRule!.CheckString),
            "role:a or role:b and role:c and role:d or role:e",
            "role:a and role:b or role:c and role:d",
            "(role:a and role:b) and role:c",
            "role:a or (role:b and role:c) and role:d",
            "not role:a and not role:b or not (role:c or role:d)",
            "((role:a) or ((role:b)))",
            "role:a\tand\nrole:b",
            "role:a or not not role:b",
            "@ or ! and @",
        ];
        string[] failures =
        [
            "role:admin or", "or role:admin", "role:admin role:member", "(role:admin", "role:admin)", "()", "(", ")",
            "'quoted'", "\"quoted\"", "foo", "role:admin and (", " ", "not", "and", "@@", "rule:a or foo", "role:a or (role:b",
            "not (role:a", "role:a and or role:b",
        ];
        var request = new JsonObject
        {
            ["op"] = "parse",
            ["rules"] = new JsonArray([.. texts.Concat(failures).Select(t => (JsonNode)t)]),
        };
        var results = OsloPolicyOracle.Ask(request)["results"]!.AsArray();

        var mismatches = new List<string>();
        for (var i = 0; i < texts.Length + failures.Length; i++)
        {
            var text = i < texts.Length ? texts[i] : failures[i - texts.Length];
            var context = new ParseContext();
            var check = CheckParser.ParseText(text, context);
            var theirs = results[i]!.AsObject();
            var theirError = theirs["error"]!.GetValue<bool>();
            if (theirError != (context.Errors.Count > 0))
            {
                mismatches.Add($"\"{text}\": oslo.policy error={theirError}, Archway errors=[{string.Join("; ", context.Errors)}]");
            }
            else if (!theirError && theirs["str"]!.GetValue<string>() != check.ToString())
            {
                mismatches.Add($"\"{text}\": oslo.policy {theirs["str"]}, Archway {check}");
            }
        }

        Assert.True(failures.Length > 0 && mismatches.Count == 0, string.Join('\n', mismatches));
    }

    [Fact]
    public void Legacy_list_of_lists_rules_parse_as_oslo_policy_parses_them()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        string[] lists =
        [
            "[]", "[[]]", "[\"\"]", "[null]", "[\"role:a\"]", "[[\"role:a\", \"role:b\"], \"role:c\"]",
            "[[\"role:a\"], [], [\"role:b\"]]", "[[\"role:a or role:b\"]]", "[[\"@\"], [\"!\"]]", "[[\"rule:x\", \"user_id:%(user_id)s\"]]",
        ];
        var request = new JsonObject
        {
            ["op"] = "parse",
            ["rules"] = new JsonArray([.. lists.Select(l => JsonNode.Parse(l))]),
        };
        var results = OsloPolicyOracle.Ask(request)["results"]!.AsArray();
        for (var i = 0; i < lists.Length; i++)
        {
            var errors = new List<string>();
            var rule = Assert.Single(PolicyFileReader.Read($"{{\"r\": {lists[i]}}}", errors));
            Assert.Empty(errors);
            var context = new ParseContext();
            var check = rule.Text is null ? CheckParser.ParseList(rule.Alternatives!, context) : CheckParser.ParseText(rule.Text, context);
            Assert.Empty(context.Errors);
            Assert.False(results[i]!["error"]!.GetValue<bool>(), lists[i]);
            Assert.Equal(results[i]!["str"]!.GetValue<string>(), check.ToString());
        }
    }

    [Fact]
    public void Policy_files_read_as_oslo_policy_reads_them()
    {
        if (!OsloPolicyOracle.EnsureAvailable(output))
        {
            return;
        }

        var files = PolicyFileCases.All;
        var request = new JsonObject
        {
            ["op"] = "load",
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f.Text)]),
        };
        var results = OsloPolicyOracle.Ask(request)["results"]!.AsArray();

        var mismatches = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            var (text, stricter) = files[i];
            var theirs = results[i]!.AsObject();
            var errors = new List<string>();
            var ours = PolicyFileReader.Read(text, errors);
            var label = text.ReplaceLineEndings("\\n");
            if (!theirs["ok"]!.GetValue<bool>())
            {
                if (errors.Count == 0)
                {
                    mismatches.Add($"\"{label}\": PyYAML fails ({theirs["error"]}), Archway read {ours.Count} rules");
                }

                continue;
            }

            var rules = theirs["rules"]!.AsObject();
            var allStrings = rules.All(r => r.Value!["key_type"]!.GetValue<string>() == "str"
                && r.Value["type"]!.GetValue<string>() is "str" or "list");
            if (stricter || !allStrings)
            {
                if (errors.Count == 0)
                {
                    mismatches.Add($"\"{label}\": oslo reads values that are not check strings, Archway accepted them");
                }

                continue;
            }

            if (errors.Count > 0)
            {
                mismatches.Add($"\"{label}\": oslo reads it, Archway: {string.Join("; ", errors)}");
                continue;
            }

            var expected = string.Join('\n', rules.Select(r => $"{r.Key}={Normalize(r.Value!["value"])}"));
            var actual = string.Join('\n', ours.Select(r => $"{r.Name}={(r.Text is not null ? JsonValue.Create(r.Text).ToJsonString() : AlternativesJson(r))}"));
            if (expected != actual)
            {
                mismatches.Add($"\"{label}\":\n  oslo:    {expected.ReplaceLineEndings(" | ")}\n  Archway: {actual.ReplaceLineEndings(" | ")}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }

    /// <summary>oslo's list form as PolicyFileReader normalizes it: a bare check is a one-check list, "" and null are empty.</summary>
    private static string Normalize(JsonNode? value) => value is JsonArray list
        ? new JsonArray([.. list.Select(item => (JsonNode)(item switch
        {
            JsonArray inner => new JsonArray([.. inner.Select(c => c?.DeepClone())]),
            null => new JsonArray(),
            _ when item.GetValue<string>().Length == 0 => new JsonArray(),
            _ => new JsonArray(item.DeepClone()),
        }))]).ToJsonString()
        : value!.ToJsonString();

    private static string AlternativesJson(PolicyFileRule rule) =>
        new JsonArray([.. rule.Alternatives!.Select(a => (JsonNode)new JsonArray([.. a.Select(c => (JsonNode)c)]))]).ToJsonString();

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> rules)
    {
        var json = new JsonObject();
        foreach (var (name, text) in rules)
        {
            json[name] = text;
        }

        return json;
    }

    private static char Letter(PolicyOutcome outcome) => outcome switch
    {
        PolicyOutcome.Allowed => 'A',
        PolicyOutcome.Denied => 'D',
        PolicyOutcome.ScopeMismatch => 'S',
        _ => 'U',
    };
}
