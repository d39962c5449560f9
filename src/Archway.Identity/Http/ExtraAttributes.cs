using System.Text.Json;

namespace Archway.Identity.Http;

/// <summary>
/// Keystone's <c>extra</c> column: attributes a client sent that the schema does not name, stored as a JSON object
/// and returned at the top level of the entity.
/// </summary>
internal static class ExtraAttributes
{
    public static Dictionary<string, JsonElement> Parse(string? json)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return result;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }
        return result;
    }

    public static string? Serialize(Dictionary<string, JsonElement> extras)
    {
        if (extras.Count == 0)
        {
            return null;
        }
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in extras)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the stored extras into an entity being written, skipping names the entity already wrote.</summary>
    public static void Write(Utf8JsonWriter writer, string? json, params ReadOnlySpan<string> written)
    {
        if (string.IsNullOrEmpty(json))
        {
            return;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!written.Contains(property.Name))
            {
                property.WriteTo(writer);
            }
        }
    }

    /// <summary>
    /// Keystone's <c>_normalize_dict</c> on create for regions, services, endpoints and credentials: ':' and '-' in
    /// attribute names become '_'.
    /// </summary>
    public static string? NormalizeNames(string? json)
    {
        var extras = Parse(json);
        var normalized = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (name, value) in extras)
        {
            var normal = name.Replace(':', '_').Replace('-', '_');
            changed |= normal != name;
            normalized[normal] = value;
        }
        return changed ? Serialize(normalized) : json;
    }
}
