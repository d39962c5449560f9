using Archway.Identity.Tokens;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>The token that authenticates the caller of an Identity API (X-Auth-Token).</summary>
internal static class CallerToken
{
    public static async Task<(TokenModel? Token, IdentityError? Error)> AuthenticateAsync(HttpContext context, TokenService tokens)
    {
        var tokenId = context.Request.Headers["X-Auth-Token"].ToString();
        if (tokenId.Length == 0)
        {
            return (null, IdentityError.Unauthorized());
        }
        var (token, _) = await tokens.ValidateAsync(tokenId, allowExpired: false, context.RequestAborted);
        return token is null ? (null, IdentityError.Unauthorized()) : (token, null);
    }
}
