namespace Archway.Identity.Policy;

/// <summary>
/// A registered default: oslo.policy's <c>RuleDefault</c>/<c>DocumentedRuleDefault</c> as Keystone registers it
/// (see <see cref="KeystonePolicyDefaults"/>).
/// </summary>
/// <param name="Name">The rule name, e.g. <c>identity:get_user</c> or a base rule such as <c>admin_required</c>.</param>
/// <param name="CheckString">The default check string; empty means everyone.</param>
/// <param name="ScopeTypes">The token scopes the rule is meant for; <see cref="PolicyScopes.None"/> skips the check.</param>
/// <param name="DeprecatedRule">The rule this default replaced. Unless <c>enforce_new_defaults</c> is set or the operator
/// overrides the rule, its check is OR'd with the new one.</param>
/// <param name="DeprecatedForRemoval">Keystone refuses to enforce such rules (an unknown action).</param>
internal sealed record PolicyRuleDefault(
    string Name,
    string CheckString,
    PolicyScopes ScopeTypes,
    DeprecatedPolicyRule? DeprecatedRule,
    bool DeprecatedForRemoval = false);

/// <summary>oslo.policy's <c>DeprecatedRule</c>: the name and check string a default used to have.</summary>
internal sealed record DeprecatedPolicyRule(string Name, string CheckString);
