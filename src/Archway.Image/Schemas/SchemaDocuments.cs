using System.Text.Json;
using System.Text.Json.Nodes;
using Archway.Image.Config;

namespace Archway.Image.Schemas;

/// <summary>
/// The schemas Glance serves at /v2/schemas/*, generated from Glance's own code (Schemas/generate-schemas.py) and
/// embedded; at start-up the disk_format and container_format enums take [image_format]'s lists, and the image
/// schema closes to custom properties when allow_additional_image_properties is false, as Glance builds them.
/// </summary>
internal sealed class SchemaDocuments
{
    public SchemaDocuments(GlanceOptions options)
    {
        var image = Load("image");
        var images = Load("images");
        Adjust(image, options);
        Adjust((JsonObject)images["properties"]!["images"]!["items"]!, options);
        ImageSchema = image;
        Image = Serialize(image);
        Images = Serialize(images);
        MemberSchema = Load("member");
        Member = Serialize(MemberSchema);
        Members = Serialize(Load("members"));
        var properties = (JsonObject)image["properties"]!;
        BaseProperties = properties.Where(p => p.Value?["is_base"] is null).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        PropertyNames = properties.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The image schema as it validates requests.</summary>
    public JsonObject ImageSchema { get; }

    public JsonObject MemberSchema { get; }

    /// <summary>Names of the image schema's own properties (Glance's base properties, not the custom ones).</summary>
    public IReadOnlySet<string> BaseProperties { get; }

    /// <summary>Every property the image schema names, custom ones (kernel_id, os_distro, ...) included.</summary>
    public IReadOnlySet<string> PropertyNames { get; }

    public byte[] Image { get; }
    public byte[] Images { get; }
    public byte[] Member { get; }
    public byte[] Members { get; }

    /// <summary>The array type of an image schema property, for JSON-patch paths like /tags/-.</summary>
    public bool IsArrayProperty(string name) =>
        ImageSchema["properties"]?[name]?["type"] is JsonNode type && type.GetValueKind() == JsonValueKind.String && (string?)type == "array";

    private static void Adjust(JsonObject schema, GlanceOptions options)
    {
        var properties = (JsonObject)schema["properties"]!;
        properties["disk_format"]!["enum"] = Enum(options.DiskFormats);
        properties["container_format"]!["enum"] = Enum(options.ContainerFormats);
        if (!options.AllowAdditionalImageProperties)
        {
            schema["additionalProperties"] = false;
            schema.Remove("links");
        }
    }

    private static JsonArray Enum(IReadOnlyList<string> values)
    {
        var array = new JsonArray { null };
        foreach (var value in values)
        {
            array.Add(value);
        }
        return array;
    }

    private static JsonObject Load(string name)
    {
        using var stream = typeof(SchemaDocuments).Assembly.GetManifestResourceStream($"Archway.Image.Schemas.{name}.json")
            ?? throw new InvalidOperationException($"embedded schema {name}.json is missing");
        return (JsonObject)JsonNode.Parse(stream)!;
    }

    private static byte[] Serialize(JsonObject schema) => System.Text.Encoding.UTF8.GetBytes(schema.ToJsonString());
}
