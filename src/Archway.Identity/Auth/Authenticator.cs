using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Identity.Users;
using LinqToDB.Data;

namespace Archway.Identity.Auth;

/// <summary>
/// POST /v3/auth/tokens: runs each requested method (password, token), resolves the scope, checks the user's
/// roles on it, and issues the token. Every failure to prove identity is the same 401, whether or not the user exists.
/// </summary>
internal sealed partial class Authenticator(
    IdentityDatabase database,
    PasswordRules passwords,
    TokenService tokens,
    IdentityStateCache cache,
    KeystoneOptions options)
{
    private static readonly string[] SupportedMethods = ["password", "token"];

    public async Task<(TokenModel? Token, IdentityError? Error)> AuthenticateAsync(AuthRequest request, CancellationToken cancellationToken)
    {
        if (request.Methods.Count == 0)
        {
            return (null, IdentityError.Validation("methods", "identity"));
        }
        foreach (var method in request.Methods)
        {
            var present = method switch
            {
                "password" => request.PasswordUser is not null || request.Password is not null,
                "token" => request.TokenId is not null,
                _ => true,
            };
            if (!present)
            {
                return (null, IdentityError.Validation(method, "identity"));
            }
        }
        foreach (var method in request.Methods)
        {
            if (Array.IndexOf(SupportedMethods, method) < 0 || !options.AuthMethods.Contains(method))
            {
                return (null, IdentityError.UnsupportedMethod());
            }
        }

        await using var db = database.Open();
        UserRecord? user = null;
        var methods = new List<string>();
        DateTimeOffset? expiresAt = null;
        string? parentAuditId = null;

        if (request.Methods.Contains("token"))
        {
            var (token, error) = await tokens.ValidateAsync(request.TokenId!, allowExpired: false, cancellationToken);
            if (token is null)
            {
                // As Keystone: the token plugin lets validation's TokenNotFound (404) through.
                return (null, error);
            }
            if (token.IsSystemScoped && request.Scope.Kind is ScopeKind.Project or ScopeKind.Domain)
            {
                return (null, IdentityError.Forbidden("You are not authorized to perform the requested action: Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed.."));
            }
            if (!options.AllowRescopeScopedToken && (token.IsProjectScoped || token.IsDomainScoped))
            {
                return (null, IdentityError.Forbidden("You are not authorized to perform the requested action: rescope a scoped token."));
            }
            user = token.User;
            expiresAt = token.Payload.ExpiresAt;
            parentAuditId = token.AuditChainId;
            methods.AddRange(token.Methods);
            methods.Add("token");
        }

        if (request.Methods.Contains("password"))
        {
            var (passwordUser, error) = await VerifyPasswordAsync(db, request, cancellationToken);
            if (passwordUser is null)
            {
                return (null, error);
            }
            if (user is not null && user.Id != passwordUser.Id)
            {
                return (null, IdentityError.Unauthorized());
            }
            user = passwordUser;
            methods.Add("password");
        }

        var (scope, scopeError) = await ResolveScopeAsync(db, request.Scope, user!, cancellationToken);
        if (scopeError is not null)
        {
            return (null, scopeError);
        }
        return await tokens.IssueAsync(new TokenRequest(user!, Distinct(methods), scope.Project, scope.Domain, scope.System, expiresAt, parentAuditId), cancellationToken);
    }

    private async Task<(UserRecord? User, IdentityError? Error)> VerifyPasswordAsync(DataConnection db, AuthRequest request, CancellationToken cancellationToken)
    {
        var reference = request.PasswordUser;
        if (reference is null)
        {
            return (null, IdentityError.Validation("user", "password"));
        }
        if (request.Password is null)
        {
            return (null, IdentityError.Validation("password", "user"));
        }
        UserRecord? user;
        if (reference.Id is not null)
        {
            user = await db.FindUserAsync(reference.Id, cancellationToken);
        }
        else
        {
            if (reference.Domain is null)
            {
                return (null, IdentityError.Validation("domain", "user"));
            }
            var domain = await cache.FindProjectAsync(ProjectKey.Domain(reference.Domain.Id, reference.Domain.Name), db, cancellationToken);
            if (domain is null || !domain.Enabled)
            {
                return (null, IdentityError.Unauthorized());
            }
            user = await db.FindUserByNameAsync(reference.Name!, domain.Id, cancellationToken);
        }
        if (user is null || request.Password.Length > options.MaxPasswordLength)
        {
            return (null, IdentityError.Unauthorized());
        }
        if (passwords.IsLocked(user))
        {
            return (null, IdentityError.Unauthorized($"The account is locked for user: {user.Id}."));
        }
        var stored = await db.CurrentPasswordAsync(user.Id, cancellationToken);
        // bcrypt costs a quarter second of CPU: keep it off the request thread's synchronous path.
        var valid = stored is not null
            && await passwords.Hasher.VerifyAsync(request.Password, stored.PasswordHash, cancellationToken);
        if (!valid)
        {
            if (options.Security.LockoutFailureAttempts is not null)
            {
                await passwords.RecordFailureAsync(db, user, cancellationToken);
            }
            return (null, IdentityError.Unauthorized());
        }
        if (!user.Enabled)
        {
            return (null, IdentityError.Unauthorized($"The account is disabled for user: {user.Id}."));
        }
        if (passwords.IsExpired(user, stored!))
        {
            return (null, IdentityError.Unauthorized($"The password is expired and needs to be changed for user: {user.Id}."));
        }
        await passwords.ResetFailuresAsync(db, user, cancellationToken);
        var userDomain = await cache.FindProjectAsync(ProjectKey.Domain(user.DomainId, null), db, cancellationToken);
        if (userDomain is null || !userDomain.Enabled)
        {
            return (null, IdentityError.Unauthorized());
        }
        return (user, null);
    }

    private sealed record ResolvedScope(ProjectRecord? Project = null, ProjectRecord? Domain = null, bool System = false);

    private async Task<(ResolvedScope Scope, IdentityError? Error)> ResolveScopeAsync(DataConnection db, ScopeRequest scope, UserRecord user, CancellationToken cancellationToken)
    {
        switch (scope.Kind)
        {
            case ScopeKind.Unscoped:
                return (new ResolvedScope(), null);
            case ScopeKind.Default:
                return (await DefaultProjectScopeAsync(db, user, cancellationToken), null);
            case ScopeKind.System:
                return !await HasRolesAsync(new TokenScope(user.Id, null, null, System: true), cancellationToken)
                    ? (new ResolvedScope(), IdentityError.Unauthorized($"User {user.Id} has no access to the system"))
                    : (new ResolvedScope(System: true), null);
            case ScopeKind.Domain:
                {
                    var target = scope.Target!;
                    var domain = await cache.FindProjectAsync(ProjectKey.Domain(target.Id, target.Name), db, cancellationToken);
                    if (domain is null)
                    {
                        return (new ResolvedScope(), IdentityError.Unauthorized($"Could not find domain: {target.Id ?? target.Name}."));
                    }
                    if (!domain.Enabled)
                    {
                        return (new ResolvedScope(), IdentityError.Unauthorized());
                    }
                    return !await HasRolesAsync(new TokenScope(user.Id, null, domain.Id, System: false), cancellationToken)
                        ? (new ResolvedScope(), IdentityError.Unauthorized($"User {user.Id} has no access to domain {domain.Id}"))
                        : (new ResolvedScope(Domain: domain), null);
                }
            case ScopeKind.Project:
                {
                    var target = scope.Target!;
                    ProjectRecord? project;
                    if (target.Id is not null)
                    {
                        project = await cache.FindProjectAsync(ProjectKey.Project(target.Id), db, cancellationToken);
                    }
                    else
                    {
                        if (target.Domain is null)
                        {
                            return (new ResolvedScope(), IdentityError.Validation("domain", "project"));
                        }
                        var domain = await cache.FindProjectAsync(ProjectKey.Domain(target.Domain.Id, target.Domain.Name), db, cancellationToken);
                        if (domain is null)
                        {
                            return (new ResolvedScope(), IdentityError.Unauthorized($"Could not find domain: {target.Domain.Id ?? target.Domain.Name}."));
                        }
                        if (!domain.Enabled)
                        {
                            return (new ResolvedScope(), IdentityError.Unauthorized());
                        }
                        project = await cache.FindProjectAsync(ProjectKey.ProjectNamed(target.Name!, domain.Id), db, cancellationToken);
                    }
                    if (project is null)
                    {
                        return (new ResolvedScope(), IdentityError.Unauthorized($"Could not find project: {target.Id ?? target.Name}."));
                    }
                    var projectDomain = await cache.FindProjectAsync(ProjectKey.Domain(project.DomainId, null), db, cancellationToken);
                    if (!project.Enabled || projectDomain is null || !projectDomain.Enabled)
                    {
                        return (new ResolvedScope(), IdentityError.Unauthorized());
                    }
                    return !await HasRolesAsync(new TokenScope(user.Id, project.Id, null, System: false), cancellationToken)
                        ? (new ResolvedScope(), IdentityError.Unauthorized($"User {user.Id} has no access to project {project.Id}"))
                        : (new ResolvedScope(Project: project), null);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(scope));
        }
    }

    /// <summary>Keystone scopes an unscoped request to the user's default project when it is usable; otherwise unscoped.</summary>
    private async Task<ResolvedScope> DefaultProjectScopeAsync(DataConnection db, UserRecord user, CancellationToken cancellationToken)
    {
        if (user.DefaultProjectId is null)
        {
            return new ResolvedScope();
        }
        var project = await cache.FindProjectAsync(ProjectKey.Project(user.DefaultProjectId), db, cancellationToken);
        if (project is null || !project.Enabled)
        {
            return new ResolvedScope();
        }
        var domain = await cache.FindProjectAsync(ProjectKey.Domain(project.DomainId, null), db, cancellationToken);
        if (domain is null || !domain.Enabled)
        {
            return new ResolvedScope();
        }
        return !await HasRolesAsync(new TokenScope(user.Id, project.Id, null, System: false), cancellationToken)
            ? new ResolvedScope()
            : new ResolvedScope(Project: project);
    }

    /// <summary>Whether the user has a role on the scope; through the token state cache, as the token will be built.</summary>
    private async Task<bool> HasRolesAsync(TokenScope scope, CancellationToken cancellationToken) =>
        await tokens.StateAsync(scope, cancellationToken) is { Roles.Count: > 0 };

    private static List<string> Distinct(List<string> methods)
    {
        var result = new List<string>(methods.Count);
        foreach (var method in methods)
        {
            if (!result.Contains(method))
            {
                result.Add(method);
            }
        }
        return result;
    }
}
