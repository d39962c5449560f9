using Archway.Identity.Config;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Archway.Identity.Http;

/// <summary>The base URL clients see: [DEFAULT] public_endpoint when set, otherwise the request's own scheme and host.</summary>
internal static class IdentityUrls
{
    public static string BaseUrl(HttpContext context)
    {
        var configured = context.RequestServices.GetService<KeystoneOptions>()?.PublicEndpoint;
        if (configured is not null)
        {
            return configured;
        }
        var request = context.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
