namespace Archway.Identity.Policy;

/// <summary>
/// oslo.policy <c>scope_types</c>: the token scopes a rule is meant for. <see cref="None"/> means the rule has
/// no scope_types and is never scope-checked.
/// </summary>
[Flags]
internal enum PolicyScopes
{
    None = 0,
    System = 1,
    Domain = 2,
    Project = 4,
}
