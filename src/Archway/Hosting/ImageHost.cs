using System.Net;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Image;
using Archway.Image.Http;
using Archway.KeystoneAuth;
using Microsoft.AspNetCore.Connections;

namespace Archway.Hosting;

/// <summary>
/// Composes the web application that serves the Image API: Glance's pipeline with the auth middleware in it, as
/// Glance's paste "keystone" flavor has it (delay_auth_decision on, so that the request context answers 401), except
/// that Identity being unreachable is a 503.
/// </summary>
internal static class ImageHost
{
    /// <summary>
    /// The Image API on host:port. <paramref name="identity"/> is Identity's services and public URL when it runs in
    /// this process, and tokens are then validated in process; null for a split deployment, where
    /// [keystone_authtoken] names the Identity endpoint and the service user.
    /// </summary>
    public static WebApplication BuildImage(ImageSettings settings, string host, int port, (IServiceProvider Services, string Url)? identity,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebBuilder.Create();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Image data has no size limit here: image_size_cap and user_storage_quota bound uploads as they stream,
            // and metadata bodies are bounded where they are read.
            kestrel.Limits.MaxRequestBodySize = null;
            // A download reads the store in 256 KiB pieces straight into the response pipe; with Kestrel's default of
            // 64 KiB unsent, each flush waited for most of a piece to be sent before the next read could start.
            kestrel.Limits.MaxResponseBufferSize = 2 * 1024 * 1024;
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
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPool.Factory>();
        builder.Services.AddImageService(settings.Options);
        var authtoken = KeystoneAuthOptions.FromSection(settings.Options.KeystoneAuthtoken) with { DelayAuthDecision = true };
        if (identity is { } local)
        {
            // In process no service user is needed; clients are still told where Identity is.
            authtoken = authtoken with { WwwAuthenticateUri = authtoken.WwwAuthenticateUri ?? local.Url };
            builder.Services.AddSingleton<IKeystoneTokenValidator>(new InProcessTokenValidator(
                local.Services.GetRequiredService<TokenService>(), local.Services.GetRequiredService<IdentityDatabase>(),
                local.Services.GetRequiredService<IdentityStateCache>()));
        }
        builder.Services.AddKeystoneAuth(authtoken);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseImageApi(authenticate: a =>
        {
            a.UseKeystoneAuth();
            a.Use(AnswerUnavailableIdentity);
        });
        return app;
    }

    /// <summary>
    /// With delay_auth_decision a token Identity could not check arrives marked Invalid, and Glance would answer 401,
    /// telling the client its good token is bad. Archway answers 503, as the middleware does without the option.
    /// </summary>
    private static Task AnswerUnavailableIdentity(HttpContext context, RequestDelegate next) =>
        context.GetKeystoneAuth() is { IdentityUnavailable: true }
            ? GlanceError.ServiceUnavailable("The Keystone service is temporarily unavailable.").ExecuteAsync(context)
            : next(context);

    /// <summary>The URL clients reach the Image API at.</summary>
    public static string ImageUrl(string host, int port) => ArchwayHost.IdentityUrl(host, port)[..^"/v3".Length];
}
