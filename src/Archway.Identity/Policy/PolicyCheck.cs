namespace Archway.Identity.Policy;

/// <summary>
/// A node of a compiled rule, one per oslo.policy check class. Rules are parsed once; evaluating one walks the
/// tree without allocating (a composite <c>VALUE</c> such as <c>a-%(x)s</c> is the exception).
/// <see cref="ToString"/> prints oslo's <c>str()</c> of the same tree, which the tests compare with oslo's.
/// </summary>
internal abstract class PolicyCheck
{
    public abstract bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target);

    public abstract override string ToString();
}

/// <summary><c>@</c> and the empty rule: always.</summary>
internal sealed class TrueCheck : PolicyCheck
{
    public static readonly TrueCheck Instance = new();

    private TrueCheck()
    {
    }

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target) => true;

    public override string ToString() => "@";
}

/// <summary><c>!</c>: never.</summary>
internal sealed class FalseCheck : PolicyCheck
{
    public static readonly FalseCheck Instance = new();

    private FalseCheck()
    {
    }

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target) => false;

    public override string ToString() => "!";
}

internal sealed class NotCheck(PolicyCheck rule) : PolicyCheck
{
    public PolicyCheck Rule { get; } = rule;

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target) =>
        !Rule.Evaluate(in credentials, target);

    public override string ToString() => $"not {Rule}";
}

internal sealed class AndCheck(PolicyCheck[] rules) : PolicyCheck
{
    public PolicyCheck[] Rules { get; } = rules;

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target)
    {
        foreach (var rule in Rules)
        {
            if (!rule.Evaluate(in credentials, target))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"({string.Join(" and ", (IEnumerable<PolicyCheck>)Rules)})";
}

internal sealed class OrCheck(PolicyCheck[] rules) : PolicyCheck
{
    public PolicyCheck[] Rules { get; } = rules;

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target)
    {
        foreach (var rule in Rules)
        {
            if (rule.Evaluate(in credentials, target))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"({string.Join(" or ", (IEnumerable<PolicyCheck>)Rules)})";
}

/// <summary>
/// <c>rule:NAME</c>: the effective check of another rule, linked once every rule is compiled. An undefined NAME
/// falls back to the default rule, or never matches.
/// </summary>
internal sealed class RuleCheck(string name) : PolicyCheck
{
    public string Name { get; } = name;

    /// <summary>Set by <see cref="PolicyRuleSet"/>; null when NAME is undefined and there is no default rule.</summary>
    public PolicyCheck? Target { get; private set; }

    /// <summary>The rule <see cref="Target"/> is: NAME, or the default rule it fell back to.</summary>
    public string? TargetName { get; private set; }

    public void Link(string name, PolicyCheck check)
    {
        TargetName = name;
        Target = check;
    }

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target) =>
        Target is { } rule && rule.Evaluate(in credentials, target);

    public override string ToString() => $"rule:{Name}";
}

/// <summary><c>role:NAME</c>: a case-insensitive match against the token's roles, after substitution.</summary>
internal sealed class RoleCheck : PolicyCheck
{
    private readonly string _match;
    private readonly MatchTemplate _template;
    private readonly string? _lowerLiteral;

    public RoleCheck(string match, MatchTemplate template)
    {
        _match = match;
        _template = template;
        _lowerLiteral = template.Literal?.ToLowerInvariant();
    }

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target)
    {
        var roles = credentials.LowerRoles;
        if (_lowerLiteral is not null)
        {
            foreach (var role in roles)
            {
                if (string.Equals(role, _lowerLiteral, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        if (!_template.TryResolve(target, out var text))
        {
            return false;
        }

        foreach (var role in roles)
        {
            if (EqualsLowered(role, text))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"role:{_match}";

    private static bool EqualsLowered(string lowered, string text)
    {
        if (lowered.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.ToLowerInvariant(text[i]) != lowered[i])
            {
                return false;
            }
        }

        return true;
    }
}
