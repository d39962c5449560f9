using System.Collections.Frozen;
using Archway.Data.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Archway.Identity.Policy;

/// <summary>
/// Keystone's RBAC enforcement (<c>keystone.common.rbac_enforcer</c> over oslo.policy's <c>Enforcer</c>), compiled
/// once at start-up from Keystone 22's registered defaults and the operator's policy file.
/// </summary>
/// <remarks>
/// <see cref="Enforce"/> is the per-request call: an unknown action is a 403 without evaluation (Keystone's
/// "invalid rule (action) name"); a token whose scope is not among the rule's scope_types is a 403 when
/// <c>enforce_scope</c> is set and a logged warning otherwise; then the rule decides. It does not allocate for any
/// of Keystone's rules.
/// </remarks>
internal sealed class PolicyEnforcer
{
    private readonly FrozenDictionary<string, RegisteredRule> _rules;
    private readonly string[] _actions;
    private readonly IReadOnlyDictionary<string, PolicyCheck> _effective;
    private readonly bool _enforceScope;
    private readonly ILogger _logger;

    private PolicyEnforcer(
        FrozenDictionary<string, RegisteredRule> rules, string[] actions, IReadOnlyDictionary<string, PolicyCheck> effective, bool enforceScope, ILogger logger)
    {
        _rules = rules;
        _actions = actions;
        _effective = effective;
        _enforceScope = enforceScope;
        _logger = logger;
    }

    /// <summary>The actions <see cref="Enforce"/> evaluates, in Keystone's registration order (base rules included).</summary>
    public IReadOnlyList<string> Actions => _actions;

    /// <summary>
    /// Compiles Keystone's defaults with the overrides in <see cref="PolicyOptions.PolicyFile"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">Lists every rule that cannot be read or parsed, and every cycle.</exception>
    public static PolicyEnforcer Create(PolicyOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        string? text = null;
        var errors = new List<string>();
        if (options.PolicyFile is { } path)
        {
            try
            {
                text = File.ReadAllText(path);
                Log.PolicyFileRead(logger, path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                Log.PolicyFileMissing(logger, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{path}: cannot be read: {e.Message}");
            }
        }

        return Create(options, text, options.PolicyFile ?? "policy file", KeystonePolicyDefaults.Rules, logger, errors);
    }

    /// <summary>Compiles <paramref name="defaults"/> with the overrides in <paramref name="policyText"/> (YAML or JSON; null for none).</summary>
    internal static PolicyEnforcer Create(
        PolicyOptions options,
        string? policyText,
        string source,
        IReadOnlyList<PolicyRuleDefault> defaults,
        ILogger? logger = null,
        List<string>? errors = null)
    {
        logger ??= NullLogger.Instance;
        errors ??= [];
        var warnings = new List<string>();
        List<PolicyFileRule> overrides = [];
        if (policyText is not null)
        {
            var fileErrors = new List<string>();
            overrides = PolicyFileReader.Read(policyText, fileErrors);
            errors.AddRange(fileErrors.Select(e => $"{source}: {e}"));
        }

        var ruleSet = PolicyRuleSet.Build(defaults, overrides, options, source, errors, warnings);
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        foreach (var warning in warnings)
        {
            Log.RuleWarning(logger, warning);
        }

        var registered = new Dictionary<string, RegisteredRule>(StringComparer.Ordinal);
        var actions = new List<string>();
        foreach (var rule in defaults)
        {
            // keystone.common.rbac_enforcer.enforcer._POSSIBLE_TARGET_ACTIONS leaves these out.
            if (rule.DeprecatedForRemoval)
            {
                continue;
            }

            registered[rule.Name] = new RegisteredRule(rule.Name, ruleSet.Rules[rule.Name], rule.ScopeTypes);
            actions.Add(rule.Name);
        }

        if (overrides.Count > 0)
        {
            Log.OverridesApplied(logger, overrides.Count, source);
        }

        return new PolicyEnforcer(registered.ToFrozenDictionary(StringComparer.Ordinal), [.. actions], ruleSet.Rules, options.EnforceScope, logger);
    }

    /// <summary>
    /// Whether <paramref name="credentials"/> may perform <paramref name="action"/> on <paramref name="target"/>:
    /// Keystone's flattened policy dict (view arguments such as <c>user_id</c>, and <c>target.&lt;type&gt;.&lt;attribute&gt;</c>
    /// keys; see <see cref="PolicyTarget.Flatten"/>).
    /// </summary>
    public PolicyDecision Enforce(string action, in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target)
    {
        if (!_rules.TryGetValue(action, out var rule))
        {
            return PolicyDecision.UnknownAction;
        }

        if (rule.Scopes != PolicyScopes.None)
        {
            var scope = credentials.TokenScope;
            if ((rule.Scopes & scope) == 0)
            {
                if (_enforceScope)
                {
                    return rule.ScopeMismatch;
                }

                if (rule.FirstMismatch(scope))
                {
                    Log.ScopeMismatch(_logger, action, ScopeName(scope), rule.ScopeText);
                }
            }
        }

        return rule.Check.Evaluate(in credentials, target) ? PolicyDecision.Allow : rule.Denied;
    }

    /// <summary>Whether Keystone would enforce <paramref name="action"/> (a registered rule not deprecated for removal).</summary>
    public bool IsRegistered(string action) => _rules.ContainsKey(action);

    /// <summary>The compiled check a rule name resolves to, as oslo's Enforcer holds it (file rules included).</summary>
    internal PolicyCheck? EffectiveRule(string name) => _effective.GetValueOrDefault(name);

    private static string ScopeName(PolicyScopes scope) => scope switch
    {
        PolicyScopes.System => "system",
        PolicyScopes.Domain => "domain",
        _ => "project",
    };

    private sealed class RegisteredRule(string action, PolicyCheck check, PolicyScopes scopes)
    {
        private int _warnedScopes;

        public PolicyCheck Check { get; } = check;

        public PolicyScopes Scopes { get; } = scopes;

        public PolicyDecision Denied { get; } = new(PolicyOutcome.Denied, PolicyDecision.ForbiddenMessage(action));

        public PolicyDecision ScopeMismatch { get; } = new(PolicyOutcome.ScopeMismatch, PolicyDecision.ForbiddenMessage(action));

        public string ScopeText { get; } = string.Join(", ", new[] { PolicyScopes.System, PolicyScopes.Domain, PolicyScopes.Project }
            .Where(s => (scopes & s) != 0).Select(ScopeName));

        /// <summary>
        /// True the first time a token scope misses this rule: oslo warns through Python's warnings module, which
        /// shows each distinct message once.
        /// </summary>
        public bool FirstMismatch(PolicyScopes scope) => (Interlocked.Or(ref _warnedScopes, (int)scope) & (int)scope) == 0;
    }
}
