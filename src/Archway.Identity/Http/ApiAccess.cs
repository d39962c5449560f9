using Archway.Identity.Policy;
using Archway.Identity.Tokens;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>
/// The first two steps of every Identity API handler: authenticate the caller's token (401), then enforce the
/// policy rule for the action against the target the handler describes (403 with Keystone's message).
/// </summary>
internal sealed class ApiAccess(TokenService tokens, PolicyEnforcer policy)
{
    /// <summary>Authenticates the caller only: for handlers that must look the target up first (404 before 403).</summary>
    public Task<(TokenModel? Token, IdentityError? Error)> AuthenticateAsync(HttpContext context) =>
        CallerToken.AuthenticateAsync(context, tokens);

    public async Task<(TokenModel? Caller, IdentityError? Error)> AuthorizeAsync(
        HttpContext context, string action, IReadOnlyDictionary<string, object?>? target = null)
    {
        var (caller, error) = await CallerToken.AuthenticateAsync(context, tokens);
        if (caller is null)
        {
            return (null, error);
        }
        return Check(caller, action, target) is { } denied ? (null, denied) : (caller, null);
    }

    /// <summary>Enforces a rule for an already authenticated caller; null when allowed.</summary>
    public IdentityError? Check(TokenModel caller, string action, IReadOnlyDictionary<string, object?>? target = null)
    {
        var decision = policy.Enforce(action, PolicyCredentialsFor(caller), target ?? EmptyTarget);
        return decision.Allowed ? null : IdentityError.Forbidden(decision.Message);
    }

    private static readonly Dictionary<string, object?> EmptyTarget = [];

    private static PolicyCredentials PolicyCredentialsFor(TokenModel caller)
    {
        var roles = new string[caller.Roles.Count];
        for (var i = 0; i < roles.Length; i++)
        {
            roles[i] = caller.Roles[i].Name;
        }
        return new PolicyCredentials
        {
            UserId = caller.User.Id,
            UserDomainId = caller.User.DomainId,
            ProjectId = caller.Project?.Id,
            ProjectDomainId = caller.Project?.DomainId,
            DomainId = caller.Domain?.Id,
            SystemScope = caller.Payload.System,
            Roles = roles,
        };
    }
}
