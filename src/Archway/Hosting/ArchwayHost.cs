using System.Net;
using Archway.Identity;
using Archway.Identity.Http;
using Microsoft.AspNetCore.Diagnostics;

namespace Archway.Hosting;

/// <summary>Composes the web application that serves the Identity API.</summary>
internal static class ArchwayHost
{
    public static WebApplication BuildIdentity(ArchwaySettings settings, string host, int port, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebBuilder.Create();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (IPAddress.TryParse(host, out var address))
            {
                kestrel.Listen(address, port);
            }
            else if (host == "localhost")
            {
                kestrel.ListenLocalhost(port);
            }
            else
            {
                kestrel.ListenAnyIP(port);
            }
        });
        builder.Services.AddIdentityService(settings.Identity);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (failure is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: 413 })
            {
                await IdentityError.TooLarge().ExecuteAsync(context);
                return;
            }
            if (failure is not null && Data.Database.DatabaseErrors.IsUnavailable(failure))
            {
                await IdentityError.DatabaseUnavailable().ExecuteAsync(context);
                return;
            }
            await new IdentityError(500, "Internal Server Error",
                "An unexpected error prevented the server from fulfilling your request.").ExecuteAsync(context);
        }));
        // Routing after the exception handler, so that a failure while matching is answered in Keystone's shape too.
        app.UseRouting();
        app.MapIdentityApi();
        app.MapFallback(() => IdentityError.NotFound("The resource could not be found."));
        return app;
    }

    /// <summary>The URL clients reach the Identity API at, for bootstrap endpoints and openrc files.</summary>
    public static string IdentityUrl(string host, int port)
    {
        var name = host is "0.0.0.0" or "::" or "[::]" ? Dns.GetHostName() : host;
        if (IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            name = $"[{name}]";
        }
        return $"http://{name}:{port}/v3";
    }
}
