using Archway.Image.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Archway.Image.Schemas;

/// <summary>GET /v2/schemas/image, images, member, members: the documents clients build their models from.</summary>
internal static class SchemasApi
{
    public static IEndpointRouteBuilder MapSchemasApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/schemas/image", (ImageServices api) => new JsonBytesResponse(api.Schemas.Image));
        routes.MapGet("/v2/schemas/images", (ImageServices api) => new JsonBytesResponse(api.Schemas.Images));
        routes.MapGet("/v2/schemas/member", (ImageServices api) => new JsonBytesResponse(api.Schemas.Member));
        routes.MapGet("/v2/schemas/members", (ImageServices api) => new JsonBytesResponse(api.Schemas.Members));
        foreach (var name in new[] { "image", "images", "member", "members" })
        {
            routes.MapRejection($"/v2/schemas/{name}", "GET");
        }
        return routes;
    }
}
