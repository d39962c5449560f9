// LOCAL ONLY: stands in for the policy engine until it lands; never committed.
namespace Archway.Identity.Policy;

internal sealed record PolicyCredentials
{
    public string? UserId { get; init; }
    public string? UserDomainId { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectDomainId { get; init; }
    public string? DomainId { get; init; }
    public string? SystemScope { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = [];
}

internal sealed record PolicyDecision(bool Allowed, string Message);

internal sealed class PolicyEnforcer
{
    public PolicyDecision Enforce(string action, PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target) =>
        new(credentials.Roles.Contains("admin"), $"You are not authorized to perform the requested action: {action}.");
}
