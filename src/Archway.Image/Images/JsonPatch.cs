using System.Text.Json;
using System.Text.RegularExpressions;
using Archway.Image.Http;
using Archway.Image.Schemas;

namespace Archway.Image.Images;

/// <summary>One operation of a PATCH: add, remove or replace at a decoded JSON pointer.</summary>
internal sealed record PatchChange(string Op, IReadOnlyList<string> Path, JsonElement Value, int DraftVersion)
{
    public string Root => Path[0];
}

/// <summary>
/// Glance's PATCH request deserializer. The media type picks the dialect:
/// <c>application/openstack-images-v2.1-json-patch</c> (RFC 6902 objects, <c>{"op": "add", "path": ..., "value": ...}</c>)
/// or the deprecated <c>application/openstack-images-v2.0-json-patch</c> (<c>{"add": "/path", "value": ...}</c>).
/// Every operation is checked before any is applied: read-only and reserved attributes are refused with 403, bad
/// operations and values that break the image schema with 400.
/// </summary>
internal static partial class JsonPatch
{
    public const string MediaType21 = "application/openstack-images-v2.1-json-patch";
    public const string MediaType20 = "application/openstack-images-v2.0-json-patch";

    private static readonly string[] Operations = ["add", "remove", "replace"];

    public static readonly string[] ReadOnlyProperties =
    [
        "created_at", "updated_at", "status", "checksum", "size", "virtual_size", "direct_url", "self", "file",
        "schema", "id", "os_hash_algo", "os_hash_value",
    ];

    public static readonly string[] ReservedProperties = ["location", "deleted", "deleted_at"];

    /// <summary>Glance's reserved namespace for its own properties.</summary>
    public const string ReservedNamespace = "os_glance";

    /// <summary>The media type without parameters, as webob's content_type gives it.</summary>
    public static int? DraftVersion(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        return mediaType switch
        {
            MediaType21 => 10,
            MediaType20 => 4,
            _ => null,
        };
    }

    public static GlanceError UnsupportedMediaType() => GlanceError.UnsupportedMediaType(headers:
        [KeyValuePair.Create("Accept-Patch", $"{MediaType20}, {MediaType21}")]);

    public static (List<PatchChange>? Changes, GlanceError? Error) Parse(JsonElement body, int draftVersion, SchemaDocuments schemas)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            return (null, GlanceError.BadRequest("Request body must be a JSON array of operation objects."));
        }
        var changes = new List<PatchChange>();
        foreach (var raw in body.EnumerateArray())
        {
            if (raw.ValueKind != JsonValueKind.Object)
            {
                return (null, GlanceError.BadRequest("Operations must be JSON objects."));
            }
            var (op, pointer, error) = draftVersion == 10 ? OperationD10(raw) : OperationD4(raw);
            if (error is not null)
            {
                return (null, error);
            }
            var (path, pointerError) = DecodePointer(pointer!);
            if (pointerError is not null)
            {
                return (null, pointerError);
            }
            var depth = path![0] == "locations" ? (op == "replace" ? 1 : 2) : 1;
            if (path.Count != depth)
            {
                return (null, GlanceError.BadRequest($"Invalid JSON pointer for this resource: '/{string.Join('/', path)}'"));
            }
            var value = default(JsonElement);
            if (op != "remove")
            {
                if (!raw.TryGetProperty("value", out value))
                {
                    return (null, GlanceError.BadRequest($"Operation \"{op}\" requires a member named \"value\"."));
                }
            }
            var change = new PatchChange(op!, path, value, draftVersion);
            if (Validate(change, schemas) is { } invalid)
            {
                return (null, invalid);
            }
            changes.Add(change);
        }
        return (changes, null);
    }

    private static (string? Op, string? Path, GlanceError? Error) OperationD10(JsonElement raw)
    {
        if (!raw.TryGetProperty("op", out var opElement) || opElement.ValueKind == JsonValueKind.Null)
        {
            return (null, null, GlanceError.BadRequest(
                $"Unable to find `op` in JSON Schema change. It must be one of the following: {string.Join(", ", Operations)}."));
        }
        var op = opElement.ValueKind == JsonValueKind.String ? opElement.GetString()! : opElement.GetRawText();
        if (Array.IndexOf(Operations, op) < 0)
        {
            return (null, null, GlanceError.BadRequest(
                $"Invalid operation: `{op}`. It must be one of the following: {string.Join(", ", Operations)}."));
        }
        if (!raw.TryGetProperty("path", out var path))
        {
            return (null, null, GlanceError.BadRequest("Unable to find 'path' in JSON Schema change"));
        }
        if (path.ValueKind != JsonValueKind.String)
        {
            return (null, null, GlanceError.BadRequest($"Pointer `{path.GetRawText()}` does not start with \"/\"."));
        }
        return (op, path.GetString(), null);
    }

    private static (string? Op, string? Path, GlanceError? Error) OperationD4(JsonElement raw)
    {
        string? op = null;
        foreach (var candidate in Operations)
        {
            if (raw.TryGetProperty(candidate, out _))
            {
                if (op is not null)
                {
                    return (null, null, GlanceError.BadRequest("Operation objects must contain only one member named \"add\", \"remove\", or \"replace\"."));
                }
                op = candidate;
            }
        }
        if (op is null)
        {
            return (null, null, GlanceError.BadRequest("Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\"."));
        }
        var path = raw.GetProperty(op);
        if (path.ValueKind != JsonValueKind.String)
        {
            return (null, null, GlanceError.BadRequest($"Pointer `{path.GetRawText()}` does not start with \"/\"."));
        }
        return (op, path.GetString(), null);
    }

    /// <summary>Glance's limited JSON pointer: /a or /a/b, "~1" for '/', "~0" for '~', parts trimmed.</summary>
    public static (List<string>? Path, GlanceError? Error) DecodePointer(string pointer)
    {
        if (!pointer.StartsWith('/'))
        {
            return (null, GlanceError.BadRequest($"Pointer `{pointer}` does not start with \"/\"."));
        }
        if (AdjacentSlashes().IsMatch(pointer[1..]))
        {
            return (null, GlanceError.BadRequest($"Pointer `{pointer}` contains adjacent \"/\"."));
        }
        if (pointer.Length > 1 && pointer.EndsWith('/'))
        {
            return (null, GlanceError.BadRequest($"Pointer `{pointer}` end with \"/\"."));
        }
        if (pointer[1..].Trim() == "/")
        {
            return (null, GlanceError.BadRequest($"Pointer `{pointer}` does not contains valid token."));
        }
        if (BadEscape().IsMatch(pointer) || pointer.EndsWith('~'))
        {
            return (null, GlanceError.BadRequest($"Pointer `{pointer}` contains \"~\" not part of a recognized escape sequence."));
        }
        var parts = pointer.TrimStart('/').Split('/')
            .Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal).Trim())
            .ToList();
        return (parts, null);
    }

    /// <summary>_validate_change: read-only and reserved roots are 403; a value must fit the image schema.</summary>
    private static GlanceError? Validate(PatchChange change, SchemaDocuments schemas)
    {
        var root = change.Root;
        if (Array.IndexOf(ReadOnlyProperties, root) >= 0)
        {
            return GlanceError.Forbidden($"Attribute '{root}' is read-only.");
        }
        if (Array.IndexOf(ReservedProperties, root) >= 0 || root.StartsWith(ReservedNamespace, StringComparison.Ordinal))
        {
            return GlanceError.Forbidden($"Attribute '{root}' is reserved.");
        }
        if (change.Op == "remove")
        {
            return null;
        }
        if (change.Path.Count == 1)
        {
            return ImageValidation.ValidateProperty(schemas, root, change.Value, asArrayItem: false);
        }
        return schemas.BaseProperties.Contains(root) && schemas.IsArrayProperty(root)
            ? ImageValidation.ValidateProperty(schemas, root, change.Value, asArrayItem: true)
            : null;
    }

    [GeneratedRegex(@"/\s*?/")]
    private static partial Regex AdjacentSlashes();

    [GeneratedRegex("~[^01]")]
    private static partial Regex BadEscape();
}
