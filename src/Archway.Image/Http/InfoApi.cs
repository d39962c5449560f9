using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Archway.Image.Http;

/// <summary>
/// Glance's discovery API: /v2/info/import (the import methods; none in Archway), /v2/info/stores and its detail
/// (404: Glance lists stores only with multiple stores configured), /v2/info/usage (empty without Keystone unified
/// limits, use_keystone_limits being off), and DELETE /v2/stores/{store}/{image} (404 for the same reason).
/// </summary>
internal static class InfoApi
{
    public static IEndpointRouteBuilder MapInfoApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/info/import", (ImageServices api) => new JsonResponse(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("import-methods");
            writer.WriteString("description", "Import methods available.");
            writer.WriteString("type", "array");
            writer.WriteStartArray("value");
            foreach (var method in api.Options.EnabledImportMethods)
            {
                writer.WriteStringValue(method);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }));
        routes.MapRejection("/v2/info/import", "GET");
        routes.MapGet("/v2/info/stores", () => GlanceError.NotFound("Multi backend is not supported at this site."));
        routes.MapRejection("/v2/info/stores", "GET");
        routes.MapGet("/v2/info/stores/detail", () => GlanceError.NotFound("Multi backend is not supported at this site."));
        routes.MapRejection("/v2/info/stores/detail", "GET");
        routes.MapGet("/v2/info/usage", () => new JsonResponse(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("usage");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }));
        routes.MapDelete("/v2/stores/{store_id}/{image_id}", () => GlanceError.NotFound());
        routes.MapRejection("/v2/stores/{store_id}/{image_id}", "DELETE");
        return routes;
    }
}
