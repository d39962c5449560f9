using System.Text;
using System.Text.Json;
using Archway.Image.Http;
using Archway.Image.Schemas;

namespace Archway.Image.Images;

/// <summary>Validation of image documents against the image schema, and Glance's database-layer checks.</summary>
internal static class ImageValidation
{
    /// <summary>schema.validate(body): 400 with jsonschema's message, as Glance's InvalidObject.</summary>
    public static GlanceError? ValidateDocument(SchemaDocuments schemas, JsonElement document) =>
        JsonSchemaValidator.Validate(document, schemas.ImageSchema) is { } reason
            ? GlanceError.BadRequest($"Provided object does not match schema 'image': {reason}")
            : null;

    /// <summary>Validates {name: value} (or {name: [value]} for an item added to an array) against the image schema.</summary>
    public static GlanceError? ValidateProperty(SchemaDocuments schemas, string name, JsonElement value, bool asArrayItem)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(name);
            if (asArrayItem)
            {
                writer.WriteStartArray();
            }
            value.WriteTo(writer);
            if (asArrayItem)
            {
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return ValidateDocument(schemas, document.RootElement);
    }

    /// <summary>
    /// Glance's no_4byte_params (its database layer refuses characters outside the Basic Multilingual Plane, which
    /// MySQL's utf8 cannot store) and _validate_db_int (min_disk and min_ram fit a 32-bit column).
    /// </summary>
    public static GlanceError? ValidateForDatabase(GlanceImage image)
    {
        var record = image.Record;
        foreach (var (name, value) in new[] { ("name", record.Name), ("owner", record.Owner), ("disk_format", record.DiskFormat), ("container_format", record.ContainerFormat) })
        {
            if (HasFourByteCharacter(value))
            {
                return FourByte(name);
            }
        }
        foreach (var (name, value) in image.Properties)
        {
            if (HasFourByteCharacter(name))
            {
                return GlanceError.BadRequest("Property names can't contain 4 byte unicode.");
            }
            if (HasFourByteCharacter(value))
            {
                return FourByte(name);
            }
        }
        foreach (var tag in image.Tags)
        {
            if (HasFourByteCharacter(tag))
            {
                return FourByte("value");
            }
        }
        return null;
    }

    private static GlanceError FourByte(string key) =>
        GlanceError.BadRequest($"{Title(key)} can't contain 4 byte unicode characters.");

    /// <summary>Python's str.title(): each run of letters starts upper case, the rest lower.</summary>
    private static string Title(string text)
    {
        var title = new StringBuilder(text.Length);
        var previousLetter = false;
        foreach (var c in text)
        {
            title.Append(previousLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousLetter = char.IsLetter(c);
        }
        return title.ToString();
    }

    public static bool HasFourByteCharacter(string? text)
    {
        if (text is null)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }
}
