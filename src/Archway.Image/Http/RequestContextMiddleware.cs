using Archway.Image.Config;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>
/// Glance's ContextMiddleware, after the auth middleware: turns its headers into a <see cref="Caller"/> (401 when
/// the identity is not confirmed, unless allow_anonymous_access), refuses changes from read-only callers, and
/// answers every request with an x-openstack-request-id.
/// </summary>
internal sealed class RequestContextMiddleware(RequestDelegate next, GlanceOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var requestId = context.Request.Headers["X-Openstack-Request-Id"].ToString();
        if (requestId.Length is 0 or > 64)
        {
            requestId = "req-" + Guid.NewGuid().ToString();
        }
        else if (!requestId.StartsWith("req-", StringComparison.Ordinal))
        {
            requestId = "req-" + requestId;
        }
        context.Response.Headers["x-openstack-request-id"] = requestId;

        var caller = Caller.FromHeaders(context.Request.Headers);
        if (caller is null)
        {
            if (!options.AllowAnonymousAccess)
            {
                return GlanceError.Unauthorized().ExecuteAsync(context);
            }
            caller = Caller.Anonymous;
        }
        if (caller.ReadOnly && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            return GlanceError.Forbidden("Read-only access").ExecuteAsync(context);
        }
        context.Features.Set(caller);
        return next(context);
    }
}
