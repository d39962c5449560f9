using System.Text;
using Microsoft.AspNetCore.Http;

namespace Archway.KeystoneAuth.Middleware;

/// <summary>The bodies keystonemiddleware answers with when it stops a request itself.</summary>
internal static class KeystoneErrors
{
    private static readonly byte[] Unauthorized = Encoding.UTF8.GetBytes(
        """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""");

    private static readonly byte[] ServiceUnavailable = Encoding.UTF8.GetBytes(
        """{"error": {"code": 503, "title": "Service Unavailable", "message": "The Keystone service is temporarily unavailable."}}""");

    public static Task WriteUnauthorizedAsync(HttpContext context, string wwwAuthenticate)
    {
        context.Response.Headers[AuthHeaders.WwwAuthenticate] = wwwAuthenticate;
        return WriteAsync(context, StatusCodes.Status401Unauthorized, Unauthorized);
    }

    public static Task WriteServiceUnavailableAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ServiceUnavailable);

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
