using Archway.Image.Config;
using Archway.Image.Data;
using Archway.Image.Http;
using Archway.Image.Images;
using Archway.Image.Members;
using Archway.Image.Policy;
using Archway.Image.Schema;
using Archway.Image.Schemas;
using Archway.Image.Stores;
using Archway.Image.Tags;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Archway.Image;

/// <summary>The Image service's composition: what it registers, its request pipeline and the routes it serves.</summary>
public static class ImageService
{
    public static IServiceCollection AddImageService(this IServiceCollection services, GlanceOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ImageDatabase(options.Database));
        services.AddSingleton(new SchemaDocuments(options));
        services.AddSingleton(new ImagePolicy(options));
        services.AddSingleton(_ => new ImageStores(options));
        services.AddSingleton<ImageJson>();
        services.AddSingleton<ImageListSnapshot>();
        services.AddSingleton<ImageServices>();
        return services;
    }

    /// <summary>
    /// Glance's paste pipeline: errors in Glance's shape, version negotiation (/, /versions, /v2.N/...), then
    /// <paramref name="authenticate"/> (the auth_token middleware, which sets the X-Identity-Status, X-Project-Id,
    /// X-Roles, ... headers), then the request context built from those headers, then the /v2 routes.
    /// </summary>
    public static WebApplication UseImageApi(this WebApplication app, Action<WebApplication>? authenticate = null)
    {
        app.UseExceptionHandler(errors => errors.Run(context =>
            context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is { } failure
                && Archway.Data.Database.DatabaseErrors.IsUnavailable(failure)
                ? GlanceError.ServiceUnavailable("The Image database is unavailable (cannot connect, or the connection was lost). Please try again later.").ExecuteAsync(context)
                : GlanceError.Internal().ExecuteAsync(context)));
        app.UseMiddleware<VersionNegotiation>();
        authenticate?.Invoke(app);
        app.UseMiddleware<RequestContextMiddleware>();
        app.UseRouting();
        app.MapImageApi();
        app.MapFallback(() => GlanceError.NotFound());
        return app;
    }

    public static IEndpointRouteBuilder MapImageApi(this IEndpointRouteBuilder routes)
    {
        routes.MapImagesApi();
        routes.MapImageActionsApi();
        routes.MapImageDataApi();
        routes.MapTagsApi();
        routes.MapMembersApi();
        routes.MapSchemasApi();
        routes.MapInfoApi();
        return routes;
    }
}
