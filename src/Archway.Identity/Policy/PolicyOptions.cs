namespace Archway.Identity.Policy;

/// <summary>The <c>[oslo_policy]</c> options of keystone.conf that shape enforcement.</summary>
internal sealed record PolicyOptions
{
    public static PolicyOptions Default { get; } = new();

    /// <summary>
    /// <c>enforce_scope</c> (default false in Zed): when a token's scope is not among a rule's scope_types, deny
    /// (Keystone's 403) instead of only logging.
    /// </summary>
    public bool EnforceScope { get; init; }

    /// <summary>
    /// <c>enforce_new_defaults</c> (default false in Zed): evaluate only the new default, not the new default OR'd
    /// with the deprecated rule it replaced.
    /// </summary>
    public bool EnforceNewDefaults { get; init; }

    /// <summary>
    /// <c>policy_file</c>, already resolved to a path (Keystone's default is <c>policy.yaml</c> beside
    /// keystone.conf); null for none. YAML or JSON. A path that does not exist is ignored, as oslo.policy does.
    /// </summary>
    public string? PolicyFile { get; init; }

    /// <summary><c>policy_default_rule</c>: the rule a <c>rule:NAME</c> reference to an undefined NAME falls back to.</summary>
    public string DefaultRule { get; init; } = "default";
}
