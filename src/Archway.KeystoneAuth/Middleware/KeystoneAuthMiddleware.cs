using Archway.KeystoneAuth.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Middleware;

/// <summary>
/// keystonemiddleware's AuthProtocol.process_request and process_response: strip forged identity headers, check
/// X-Service-Token then X-Auth-Token, and either reject (401, or 503 when Identity is unavailable) or hand the
/// request on with the identity headers, a <see cref="KeystoneAuthFeature"/> and a principal.
/// </summary>
internal sealed class KeystoneAuthMiddleware(RequestDelegate next, TokenChecker checker, KeystoneAuthOptions options, ILogger logger)
{
    private readonly string _wwwAuthenticate = $"Keystone uri=\"{options.EffectiveWwwAuthenticateUri}\"";
    private readonly HashSet<string> _serviceRoles = new(options.ServiceTokenRoles, StringComparer.Ordinal);
    private int _serviceRoleWarningLogged;

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        AuthHeaders.RemoveSpoofable(headers);
        var aborted = context.RequestAborted;

        var allowExpired = false;
        var unavailable = false;
        ValidatedToken? service = null;
        IdentityStatus? serviceStatus = null;
        var serviceToken = headers[AuthHeaders.ServiceToken].ToString().Trim();
        if (serviceToken.Length > 0)
        {
            var check = await checker.CheckAsync(serviceToken, allowExpired: false, aborted);
            if (check.Status == TokenValidationStatus.Unavailable)
            {
                if (!Unavailable(check.Reason!))
                {
                    await KeystoneErrors.WriteServiceUnavailableAsync(context);
                    return;
                }
                unavailable = true;
            }
            if (check.Token is { } valid)
            {
                var hasRole = HasServiceRole(valid.Token);
                if (!hasRole && !options.ServiceTokenRolesRequired && Interlocked.Exchange(ref _serviceRoleWarningLogged, 1) == 0)
                {
                    Log.ServiceTokenWithoutRole(logger);
                }
                // Only a service token that passes the role check may vouch for an expired user token.
                allowExpired = hasRole;
                if (hasRole || !options.ServiceTokenRolesRequired)
                {
                    service = valid;
                }
            }
            else if (check.Status == TokenValidationStatus.Invalid)
            {
                Log.InvalidToken(logger, "service", check.Reason!);
            }
            serviceStatus = service is null ? IdentityStatus.Invalid : IdentityStatus.Confirmed;
        }

        ValidatedToken? user = null;
        var userToken = headers[AuthHeaders.AuthToken].ToString().Trim();
        if (userToken.Length == 0)
        {
            userToken = headers[AuthHeaders.StorageToken].ToString().Trim();
        }
        if (userToken.Length > 0)
        {
            var check = await checker.CheckAsync(userToken, allowExpired, aborted);
            if (check.Status == TokenValidationStatus.Unavailable)
            {
                if (!Unavailable(check.Reason!))
                {
                    await KeystoneErrors.WriteServiceUnavailableAsync(context);
                    return;
                }
                unavailable = true;
            }
            if (check.Status == TokenValidationStatus.Invalid)
            {
                Log.InvalidToken(logger, "user", check.Reason!);
            }
            user = check.Token;
        }

        if ((user is null || serviceStatus == IdentityStatus.Invalid) && !options.DelayAuthDecision)
        {
            Log.Rejecting(logger, context.Request.Path);
            await KeystoneErrors.WriteUnauthorizedAsync(context, _wwwAuthenticate);
            return;
        }

        headers[AuthHeaders.IdentityStatus] = AuthHeaders.Status(user is not null);
        if (user is not null)
        {
            AuthHeaders.SetUser(headers, user);
            if (user.CatalogHeader is not null)
            {
                headers[AuthHeaders.ServiceCatalog] = user.CatalogHeader;
            }
            context.User = user.CreatePrincipal();
        }
        if (serviceStatus is { } status)
        {
            headers[AuthHeaders.ServiceIdentityStatus] = AuthHeaders.Status(status == IdentityStatus.Confirmed);
            if (service is not null)
            {
                AuthHeaders.SetService(headers, service);
            }
        }
        context.Features.Set(new KeystoneAuthFeature(
            user is null ? IdentityStatus.Invalid : IdentityStatus.Confirmed, user?.Token, serviceStatus, service?.Token, unavailable));

        // process_response: tell a client the application turned away where to get a token.
        context.Response.OnStarting(static state =>
        {
            var (response, challenge) = ((HttpResponse, string))state;
            if (response.StatusCode == StatusCodes.Status401Unauthorized && !response.Headers.ContainsKey(AuthHeaders.WwwAuthenticate))
            {
                response.Headers[AuthHeaders.WwwAuthenticate] = challenge;
            }
            return Task.CompletedTask;
        }, (context.Response, _wwwAuthenticate));

        await next(context);
    }

    /// <summary>
    /// Identity could not answer. keystonemiddleware answers 503 then, or, with delay_auth_decision, treats the token
    /// as invalid and lets the application decide. Returns whether the request goes on.
    /// </summary>
    private bool Unavailable(string reason)
    {
        if (options.DelayAuthDecision)
        {
            Log.IdentityUnavailableDeferred(logger, reason);
            return true;
        }
        Log.IdentityUnavailable(logger, reason);
        return false;
    }

    private bool HasServiceRole(KeystoneToken token)
    {
        foreach (var role in token.Roles)
        {
            if (_serviceRoles.Contains(role.Name))
            {
                return true;
            }
        }
        return false;
    }
}
