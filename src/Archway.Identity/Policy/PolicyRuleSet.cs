namespace Archway.Identity.Policy;

/// <summary>
/// The rules oslo.policy's Enforcer holds after <c>load_rules()</c>, compiled: every rule of the operator's file as
/// written, then every registered default the file does not override. A default with a deprecated rule becomes
/// <c>(new or deprecated)</c> unless <c>enforce_new_defaults</c> is set or the check strings are equal; a file
/// override of a renamed rule's old name carries over to the new name (<c>_handle_deprecated_rule</c>).
/// <c>rule:</c> references are linked to these effective checks, falling back to the default rule.
/// </summary>
internal sealed class PolicyRuleSet
{
    private PolicyRuleSet(Dictionary<string, PolicyCheck> rules) => Rules = rules;

    public IReadOnlyDictionary<string, PolicyCheck> Rules { get; }

    /// <param name="defaults">The registered defaults, in registration order.</param>
    /// <param name="overrides">The operator's file rules.</param>
    /// <param name="options">enforce_new_defaults and the default rule.</param>
    /// <param name="source">The file's name, to prefix problems with.</param>
    /// <param name="errors">Receives every problem that makes the rules unusable.</param>
    /// <param name="warnings">Receives problems oslo.policy also only warns about.</param>
    public static PolicyRuleSet Build(
        IReadOnlyList<PolicyRuleDefault> defaults,
        IReadOnlyList<PolicyFileRule> overrides,
        PolicyOptions options,
        string source,
        List<string> errors,
        List<string> warnings)
    {
        var references = new List<(string Rule, RuleCheck Check)>();
        var rules = new Dictionary<string, PolicyCheck>(StringComparer.Ordinal);
        var fileChecks = new Dictionary<string, PolicyCheck>(StringComparer.Ordinal);
        foreach (var rule in overrides)
        {
            var context = new ParseContext();
            var check = rule.Text is not null
                ? CheckParser.ParseText(rule.Text, context)
                : CheckParser.ParseList(rule.Alternatives ?? [], context);
            var where = rule.Line > 0 ? $"{source}, line {rule.Line}" : source;
            Collect(context, $"{where}: \"{rule.Name}\"", rule.Name, errors, warnings, references);
            fileChecks[rule.Name] = check;
            rules[rule.Name] = check;
        }

        foreach (var rule in defaults)
        {
            if (rules.ContainsKey(rule.Name))
            {
                continue;
            }

            var check = ParseDefault(rule.Name, rule.CheckString, errors, warnings, references);
            if (rule.DeprecatedRule is { } deprecated)
            {
                if (!string.Equals(deprecated.Name, rule.Name, StringComparison.Ordinal)
                    && fileChecks.TryGetValue(deprecated.Name, out var renamed)
                    && !string.Equals(renamed.ToString(), $"rule:{rule.Name}", StringComparison.Ordinal))
                {
                    // The operator overrode the old name: keep their rule under the new one.
                    check = renamed;
                }
                else if (!options.EnforceNewDefaults && !string.Equals(deprecated.CheckString, rule.CheckString, StringComparison.Ordinal))
                {
                    check = new OrCheck([check, ParseDefault(rule.Name, deprecated.CheckString, errors, warnings, references)]);
                }
            }

            rules[rule.Name] = check;
        }

        Link(rules, references, options.DefaultRule, warnings);
        FindCycles(rules, source, errors);
        return new PolicyRuleSet(rules);
    }

    private static PolicyCheck ParseDefault(
        string name, string checkString, List<string> errors, List<string> warnings, List<(string, RuleCheck)> references)
    {
        var context = new ParseContext();
        var check = CheckParser.ParseText(checkString, context);
        Collect(context, $"default \"{name}\"", name, errors, warnings, references);
        return check;
    }

    private static void Collect(
        ParseContext context, string prefix, string rule, List<string> errors, List<string> warnings, List<(string, RuleCheck)> references)
    {
        errors.AddRange(context.Errors.Select(e => $"{prefix}: {e}"));
        warnings.AddRange(context.Warnings.Select(w => $"{prefix}: {w}"));
        references.AddRange(context.References.Select(r => (rule, r)));
    }

    private static void Link(
        Dictionary<string, PolicyCheck> rules, List<(string Rule, RuleCheck Check)> references, string defaultRule, List<string> warnings)
    {
        foreach (var (rule, reference) in references)
        {
            if (rules.TryGetValue(reference.Name, out var target))
            {
                reference.Link(reference.Name, target);
            }
            else if (rules.TryGetValue(defaultRule, out var fallback))
            {
                reference.Link(defaultRule, fallback);
                warnings.Add($"\"{rule}\" refers to the undefined rule \"{reference.Name}\", which falls back to the default rule \"{defaultRule}\"");
            }
            else
            {
                warnings.Add($"\"{rule}\" refers to the undefined rule \"{reference.Name}\", which never matches");
            }
        }
    }

    /// <summary>
    /// Rules that reach themselves through <c>rule:</c> references. oslo.policy only warns, then recurses until
    /// Python's stack overflows on a request that reaches one; here it is an error.
    /// </summary>
    private static void FindCycles(Dictionary<string, PolicyCheck> rules, string source, List<string> errors)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in rules.Keys)
        {
            Visit(name);
        }

        void Visit(string name)
        {
            if (state.TryGetValue(name, out var s))
            {
                if (s == 1)
                {
                    var cycle = path[path.IndexOf(name)..];
                    var key = string.Join('\n', cycle.Order(StringComparer.Ordinal));
                    if (reported.Add(key))
                    {
                        errors.Add($"{source}: rules refer to each other in a cycle: {string.Join(" -> ", cycle.Select(n => $"\"{n}\""))} -> \"{name}\"");
                    }
                }

                return;
            }

            state[name] = 1;
            path.Add(name);
            foreach (var next in References(rules[name]))
            {
                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
        }
    }

    private static IEnumerable<string> References(PolicyCheck check)
    {
        switch (check)
        {
            case RuleCheck { TargetName: { } name }:
                yield return name;
                break;
            case NotCheck not:
                foreach (var name in References(not.Rule))
                {
                    yield return name;
                }

                break;
            case AndCheck and:
                foreach (var name in and.Rules.SelectMany(References))
                {
                    yield return name;
                }

                break;
            case OrCheck or:
                foreach (var name in or.Rules.SelectMany(References))
                {
                    yield return name;
                }

                break;
        }
    }
}
