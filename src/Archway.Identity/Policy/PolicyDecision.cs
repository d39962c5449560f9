namespace Archway.Identity.Policy;

/// <summary>The outcome of <see cref="PolicyEnforcer.Enforce"/>; denials carry Keystone's 403 message.</summary>
internal readonly record struct PolicyDecision(PolicyOutcome Outcome, string Message)
{
    /// <summary>Keystone's <c>Forbidden</c> message, used when the action is not a registered rule.</summary>
    public const string GenericForbiddenMessage = "You are not authorized to perform the requested action.";

    public static PolicyDecision Allow { get; } = new(PolicyOutcome.Allowed, string.Empty);

    public static PolicyDecision UnknownAction { get; } = new(PolicyOutcome.UnknownAction, GenericForbiddenMessage);

    public bool Allowed => Outcome == PolicyOutcome.Allowed;

    /// <summary>Keystone's <c>ForbiddenAction</c> message for <paramref name="action"/>.</summary>
    public static string ForbiddenMessage(string action) =>
        $"You are not authorized to perform the requested action: {action}.";
}

internal enum PolicyOutcome
{
    Allowed,

    /// <summary>The rule's check evaluated false.</summary>
    Denied,

    /// <summary><c>enforce_scope</c> is on and the token's scope is not among the rule's scope_types (oslo's InvalidScope).</summary>
    ScopeMismatch,

    /// <summary>Not a registered rule (or one deprecated for removal); Keystone answers 403 without evaluating.</summary>
    UnknownAction,
}
