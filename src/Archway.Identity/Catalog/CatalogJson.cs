using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Catalog;

/// <summary>Region, service and endpoint documents in Keystone's shape, extra attributes at the top level.</summary>
internal static class CatalogJson
{
    public static void WriteRegion(Utf8JsonWriter writer, RegionRecord region, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", region.Id);
        writer.WriteString("description", region.Description);
        writer.WriteString("parent_region_id", region.ParentRegionId);
        WriteSelf(writer, baseUrl, "regions", region.Id);
        ExtraAttributes.Write(writer, region.Extra, "id", "description", "parent_region_id", "links");
        writer.WriteEndObject();
    }

    /// <summary>
    /// Keystone keeps a service's name and description among its extra attributes: name is always there ("" when
    /// none was given), description only when given, and as given (a description that is not a string stays in
    /// <see cref="ServiceRecord.Extra"/>).
    /// </summary>
    public static void WriteService(Utf8JsonWriter writer, ServiceRecord service, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", service.Id);
        writer.WriteString("type", service.Type);
        writer.WriteBoolean("enabled", service.Enabled);
        writer.WriteString("name", service.Name ?? "");
        if (service.Description is not null)
        {
            writer.WriteString("description", service.Description);
        }
        WriteSelf(writer, baseUrl, "services", service.Id);
        ExtraAttributes.Write(writer, service.Extra, "id", "type", "enabled", "name", service.Description is null ? "links" : "description", "links");
        writer.WriteEndObject();
    }

    /// <summary>An endpoint shows its region twice, as region_id and as the v2-era region.</summary>
    public static void WriteEndpoint(Utf8JsonWriter writer, EndpointRecord endpoint, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", endpoint.Id);
        writer.WriteString("interface", endpoint.Interface);
        writer.WriteString("region_id", endpoint.RegionId);
        writer.WriteString("service_id", endpoint.ServiceId);
        writer.WriteString("url", endpoint.Url);
        writer.WriteBoolean("enabled", endpoint.Enabled);
        writer.WriteString("region", endpoint.RegionId);
        WriteSelf(writer, baseUrl, "endpoints", endpoint.Id);
        ExtraAttributes.Write(writer, endpoint.Extra, "id", "interface", "region_id", "service_id", "url", "enabled", "region", "links");
        writer.WriteEndObject();
    }

    private static void WriteSelf(Utf8JsonWriter writer, string baseUrl, string collection, string id)
    {
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/{collection}/{id}");
        writer.WriteEndObject();
    }
}
