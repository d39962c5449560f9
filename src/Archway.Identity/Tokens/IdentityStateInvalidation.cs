using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Tokens;

/// <summary>
/// Clears <see cref="IdentityStateCache"/> around every request that may write Identity state (any method but GET,
/// HEAD and OPTIONS, except issuing a token). It clears when the response starts — after the handler has committed,
/// before the client can hear back and validate a token — and once more when the request ends, for a response that
/// never started. A load racing the write is dropped by the cache's generation check.
/// </summary>
internal sealed class IdentityStateInvalidation(IdentityStateCache cache) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!MayWrite(context.Request))
            {
                await nextMiddleware(context);
                return;
            }
            context.Response.OnStarting(static state =>
            {
                ((IdentityStateCache)state).Invalidate();
                return Task.CompletedTask;
            }, cache);
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                cache.Invalidate();
            }
        });
        next(app);
    };

    private static bool MayWrite(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
          || (HttpMethods.IsPost(request.Method) && request.Path.Equals("/v3/auth/tokens", StringComparison.OrdinalIgnoreCase)));
}
