using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Archway.Image.Config;
using Archway.Image.Http;
using Archway.Image.Schemas;

namespace Archway.Image.Images;

/// <summary>
/// The image document as Glance's ResponseSerializer writes it: custom properties first, then the core attributes
/// (nulls included), times as YYYY-MM-DDTHH:MM:SSZ, locations and direct_url when configured, tags, and the
/// self/file/schema links.
/// </summary>
internal sealed class ImageJson(GlanceOptions options, SchemaDocuments schemas)
{
    /// <summary>Internal properties Glance never shows.</summary>
    private const string StageHost = "os_glance_stage_host";

    /// <summary>
    /// Writes the document of <paramref name="image"/> as <paramref name="caller"/> sees it. It depends on the caller
    /// only where <see cref="DiffersForAdmin"/> says: the list snapshot keeps one rendering per image on that promise.
    /// </summary>
    public void Write(Utf8JsonWriter writer, GlanceImage image, Caller caller)
    {
        if (image.Document is { } document)
        {
            writer.WriteRawValue(document, skipInputValidation: true);
            return;
        }
        var record = image.Record;
        writer.WriteStartObject();
        foreach (var (name, value) in image.Properties)
        {
            if (name == StageHost)
            {
                continue;
            }
            if (!options.AllowAdditionalImageProperties && !schemas.PropertyNames.Contains(name))
            {
                continue;
            }
            if (value is null && !schemas.PropertyNames.Contains(name))
            {
                // Glance's Schema.filter: a null property the schema does not know is shown as "".
                writer.WriteString(name, "");
                continue;
            }
            WriteNullable(writer, name, value);
        }
        WriteNullable(writer, "name", record.Name);
        WriteNullable(writer, "disk_format", record.DiskFormat);
        WriteNullable(writer, "container_format", record.ContainerFormat);
        writer.WriteString("visibility", record.Visibility);
        WriteNullable(writer, "size", record.Size);
        WriteNullable(writer, "virtual_size", record.VirtualSize);
        writer.WriteString("status", record.Status);
        WriteNullable(writer, "checksum", record.Checksum);
        writer.WriteBoolean("protected", record.Protected);
        writer.WriteNumber("min_ram", record.MinRam);
        writer.WriteNumber("min_disk", record.MinDisk);
        WriteNullable(writer, "owner", record.Owner);
        writer.WriteBoolean("os_hidden", record.OsHidden);
        WriteNullable(writer, "os_hash_algo", record.OsHashAlgo);
        WriteNullable(writer, "os_hash_value", record.OsHashValue);
        writer.WriteString("id", record.Id);
        writer.WriteString("created_at", IsoTime(record.CreatedAt));
        writer.WriteString("updated_at", IsoTime(record.UpdatedAt ?? record.CreatedAt));
        var locations = DiffersForAdmin(record) && !caller.IsAdmin ? [] : image.Locations;
        if (options.ShowMultipleLocations)
        {
            writer.WriteStartArray("locations");
            foreach (var location in locations)
            {
                writer.WriteStartObject();
                writer.WriteString("url", location.Value);
                writer.WritePropertyName("metadata");
                using (var metadata = JsonDocument.Parse(location.MetaData))
                {
                    metadata.RootElement.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (options.ShowImageDirectUrl && locations.Count > 0)
        {
            writer.WriteString("direct_url", locations[0].Value);
        }
        writer.WriteStartArray("tags");
        foreach (var tag in image.Tags)
        {
            writer.WriteStringValue(tag);
        }
        writer.WriteEndArray();
        writer.WriteString("self", $"/v2/images/{record.Id}");
        writer.WriteString("file", $"/v2/images/{record.Id}/file");
        writer.WriteString("schema", "/v2/schemas/image");
        writer.WriteEndObject();
    }

    /// <summary>The document <see cref="Write"/> writes, as UTF-8 bytes to keep.</summary>
    public byte[] Render(GlanceImage image, Caller caller)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonResponse.Options))
        {
            Write(writer, image, caller);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether an admin sees another document of <paramref name="record"/> than everyone else: a deactivated image's
    /// locations are hidden from everyone but admins (Glance's _normalize_locations).
    /// </summary>
    public static bool DiffersForAdmin(ImageRecord record) => record.Status == ImageStatus.Deactivated;

    /// <summary>Glance's timeutils.isotime: whole seconds, always Z.</summary>
    public static string IsoTime(DateTime value) =>
        DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, value.Value);
        }
    }
}
