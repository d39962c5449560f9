using Microsoft.AspNetCore.Http;

namespace Archway.KeystoneAuth;

/// <summary>X-Identity-Status and X-Service-Identity-Status.</summary>
public enum IdentityStatus
{
    Invalid,
    Confirmed,
}

/// <summary>
/// What the middleware decided about a request, on <c>HttpContext.Features</c> (keystonemiddleware's
/// keystone.token_info and keystone.token_auth). Set on every request that passes through the middleware.
/// </summary>
/// <param name="IdentityStatus">Confirmed when X-Auth-Token is valid; Invalid otherwise (seen only with delay_auth_decision).</param>
/// <param name="Token">The user token's data when Confirmed.</param>
/// <param name="ServiceIdentityStatus">Null when the request had no X-Service-Token.</param>
/// <param name="ServiceToken">The service token's data when it is valid.</param>
/// <param name="IdentityUnavailable">
/// Identity could not be asked about a token and delay_auth_decision let the request go on marked Invalid: the token
/// may be good, so an application that would answer 401 can answer 503 instead (keystonemiddleware's own answer
/// without delay_auth_decision).
/// </param>
public sealed record KeystoneAuthFeature(
    IdentityStatus IdentityStatus,
    KeystoneToken? Token,
    IdentityStatus? ServiceIdentityStatus,
    KeystoneToken? ServiceToken,
    bool IdentityUnavailable = false);

public static class KeystoneAuthHttpContextExtensions
{
    /// <summary>The middleware's decision about this request; null when it did not pass through the middleware.</summary>
    public static KeystoneAuthFeature? GetKeystoneAuth(this HttpContext context) => context.Features.Get<KeystoneAuthFeature>();
}
