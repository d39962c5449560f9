using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Http;

/// <summary>Version discovery as Keystone serves it: 300 Multiple Choices at the root, the v3 document at /v3.</summary>
internal static class VersionApi
{
    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", WriteVersions);
        routes.MapGet("/v3", WriteV3);
        return routes;
    }

    private static async Task WriteVersions(HttpContext context)
    {
        var baseUrl = IdentityUrls.BaseUrl(context);
        context.Response.StatusCode = StatusCodes.Status300MultipleChoices;
        context.Response.Headers.Location = baseUrl + "/v3/";
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartObject("versions");
        writer.WriteStartArray("values");
        WriteVersion(writer, baseUrl);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task WriteV3(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WritePropertyName("version");
        WriteVersion(writer, IdentityUrls.BaseUrl(context));
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static void WriteVersion(Utf8JsonWriter writer, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "v3.14");
        writer.WriteString("status", "stable");
        writer.WriteString("updated", "2020-04-07T00:00:00Z");
        writer.WriteStartArray("links");
        writer.WriteStartObject();
        writer.WriteString("rel", "self");
        writer.WriteString("href", baseUrl + "/v3/");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("media-types");
        writer.WriteStartObject();
        writer.WriteString("base", "application/json");
        writer.WriteString("type", "application/vnd.openstack.identity-v3+json");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
