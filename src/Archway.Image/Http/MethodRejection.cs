using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Archway.Image.Http;

/// <summary>
/// Glance's RejectMethodController: a path it serves, asked with a method it does not, is 405 with an Allow header
/// listing the methods it does (not a 404).
/// </summary>
internal static class MethodRejection
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    public static void MapRejection(this IEndpointRouteBuilder routes, string pattern, string allowed)
    {
        var allowedMethods = allowed.Split(", ");
        var others = Methods.Where(m => Array.IndexOf(allowedMethods, m) < 0).ToArray();
        routes.MapMethods(pattern, others, () => GlanceError.MethodNotAllowed(allowed));
    }
}
