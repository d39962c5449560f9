using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>
/// The JSON body of a create or update request, <c>{"project": {...}}</c>, with readers that check each property
/// against Keystone's JSON schema and keep the first violation in Keystone's words. Properties nobody reads are the
/// entity's extra attributes, which Keystone stores and returns as they are.
/// </summary>
internal sealed partial class EntityBody : IDisposable
{
    private readonly JsonDocument _document;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private EntityBody(JsonDocument document, JsonElement entity)
    {
        _document = document;
        Entity = entity;
    }

    public JsonElement Entity { get; }

    /// <summary>The first schema violation found so far, if any.</summary>
    public IdentityError? Error { get; private set; }

    /// <summary>
    /// Reads <c>{"member": {...}}</c>. With <paramref name="memberRequired"/> a body without the member is refused as
    /// Keystone refuses <c>body.get(member)</c> (None is not an object); otherwise it reads as an empty object, as
    /// <c>body.get(member, {})</c> does.
    /// </summary>
    public static async Task<(EntityBody? Body, IdentityError? Error)> ReadAsync(HttpContext context, string member, int maxBytes, bool memberRequired = false)
    {
        var (document, error) = await JsonBody.ReadAsync(context.Request, maxBytes, context.RequestAborted);
        if (document is null)
        {
            return (null, error);
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            // Described before the document (which owns the element's memory) is disposed.
            var notObject = IdentityError.Schema("", $"{JsonSchemaText.Describe(root)} is not of type 'object'");
            document.Dispose();
            return (null, notObject);
        }
        if (!root.TryGetProperty(member, out var entity))
        {
            if (memberRequired)
            {
                document.Dispose();
                return (null, IdentityError.Schema("", "None is not of type 'object'"));
            }
            // Keystone validates `body.get(member, {})`, so a missing member reads as an empty object.
            using var empty = JsonDocument.Parse("{}");
            return (new EntityBody(document, empty.RootElement.Clone()), null);
        }
        if (entity.ValueKind != JsonValueKind.Object)
        {
            var notObject = IdentityError.Schema("", $"{JsonSchemaText.Describe(entity)} is not of type 'object'");
            document.Dispose();
            return (null, notObject);
        }
        return (new EntityBody(document, entity), null);
    }

    public bool Has(string name) => Entity.TryGetProperty(name, out _);

    /// <summary>A string property; null when absent (or JSON null and <paramref name="nullable"/>).</summary>
    public string? String(string name, bool required = false, bool nullable = false, int minLength = 0, int maxLength = int.MaxValue, Regex? pattern = null)
    {
        _read.Add(name);
        if (!Entity.TryGetProperty(name, out var value))
        {
            if (required)
            {
                Fail("", $"'{name}' is a required property");
            }
            return null;
        }
        if (value.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"{JsonSchemaText.Describe(value)} is not of type 'string'{(nullable ? ", 'null'" : "")}");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length < minLength)
        {
            Fail(name, $"{PythonJson.Repr(text)} is too short");
        }
        else if (text.Length > maxLength)
        {
            Fail(name, $"{PythonJson.Repr(text)} is too long");
        }
        else if (pattern is not null && !pattern.IsMatch(text))
        {
            Fail(name, $"{PythonJson.Repr(text)} does not match {PythonJson.Repr(pattern.ToString())}");
        }
        return text;
    }

    /// <summary>Keystone's name properties: 1 to <paramref name="maxLength"/> characters, not only white space.</summary>
    public string? Name(bool required, int maxLength = 64) =>
        String("name", required, minLength: 1, maxLength: maxLength, pattern: NotBlank());

    /// <summary>Keystone's id_string: 1–64 characters of letters, digits and hyphens.</summary>
    public string? Id(string name, bool nullable = true) =>
        String(name, nullable: nullable, minLength: 1, maxLength: 64, pattern: IdPattern());

    public bool? Boolean(string name)
    {
        _read.Add(name);
        if (!Entity.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        Fail(name, $"{JsonSchemaText.Describe(value)} is not of type 'boolean'");
        return null;
    }

    /// <summary>Marks a property as handled by the caller (so it is not kept as an extra attribute).</summary>
    public JsonElement? Raw(string name)
    {
        _read.Add(name);
        return Entity.TryGetProperty(name, out var value) ? value : null;
    }

    public void Fail(string path, string message) => Error ??= IdentityError.Schema(path, message);

    public void Fail(IdentityError error) => Error ??= error;

    /// <summary>The properties no reader asked for, as a JSON object text (Keystone's <c>extra</c>), or null.</summary>
    public string? ExtraJson(string? existing, IEnumerable<string>? alsoIgnored = null)
    {
        var ignored = new HashSet<string>(_read, StringComparer.Ordinal) { "id", "links" };
        if (alsoIgnored is not null)
        {
            ignored.UnionWith(alsoIgnored);
        }
        var extras = ExtraAttributes.Parse(existing);
        var changed = false;
        foreach (var property in Entity.EnumerateObject())
        {
            if (!ignored.Contains(property.Name))
            {
                extras[property.Name] = property.Value.Clone();
                changed = true;
            }
        }
        return changed ? ExtraAttributes.Serialize(extras) : existing;
    }

    public void Dispose() => _document.Dispose();

    [GeneratedRegex(@"[\S]+")]
    private static partial Regex NotBlank();

    [GeneratedRegex(@"^[a-zA-Z0-9-]+$")]
    internal static partial Regex IdPattern();
}
