using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Archway.Image.Schemas;

/// <summary>
/// The part of JSON Schema that Glance's image and member schemas use (type, enum, minLength, maxLength, pattern,
/// properties, additionalProperties, required, items), checked the way Python's jsonschema checks it and reported
/// with its messages (Python reprs of the values), since Glance puts that message in its 400 answers.
/// </summary>
internal static class JsonSchemaValidator
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>The first violation, or null when <paramref name="instance"/> conforms to <paramref name="schema"/>.</summary>
    public static string? Validate(JsonElement instance, JsonObject schema)
    {
        if (schema["type"] is { } type && !MatchesType(instance, type))
        {
            var names = type is JsonArray array
                ? string.Join(", ", array.Select(t => PythonRepr.Of((string?)t)))
                : PythonRepr.Of((string?)type);
            return $"{PythonRepr.Of(instance)} is not of type {names}";
        }
        if (schema["enum"] is JsonArray choices && !choices.Any(choice => SameValue(instance, choice)))
        {
            return $"{PythonRepr.Of(instance)} is not one of {PythonRepr.Of(choices)}";
        }
        if (instance.ValueKind == JsonValueKind.String)
        {
            var text = instance.GetString()!;
            var length = CodePoints(text);
            if (schema["maxLength"] is { } max && length > (int)max)
            {
                return $"{PythonRepr.Of(instance)} is too long";
            }
            if (schema["minLength"] is { } min && length < (int)min)
            {
                return $"{PythonRepr.Of(instance)} is too short";
            }
            if (schema["pattern"] is { } pattern
                && !Patterns.GetOrAdd((string)pattern!, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).IsMatch(text))
            {
                return $"{PythonRepr.Of(instance)} does not match {PythonRepr.Of((string?)pattern)}";
            }
        }
        if (instance.ValueKind == JsonValueKind.Array && schema["items"] is JsonObject items)
        {
            foreach (var item in instance.EnumerateArray())
            {
                if (Validate(item, items) is { } error)
                {
                    return error;
                }
            }
        }
        if (instance.ValueKind == JsonValueKind.Object)
        {
            var properties = schema["properties"] as JsonObject;
            if (properties is not null)
            {
                foreach (var (name, propertySchema) in properties)
                {
                    if (propertySchema is JsonObject property && instance.TryGetProperty(name, out var value)
                        && Validate(value, property) is { } error)
                    {
                        return error;
                    }
                }
            }
            var additional = schema["additionalProperties"];
            if (additional is not null)
            {
                var unexpected = new List<string>();
                foreach (var member in instance.EnumerateObject())
                {
                    if (properties?.ContainsKey(member.Name) == true)
                    {
                        continue;
                    }
                    if (additional is JsonObject additionalSchema)
                    {
                        if (Validate(member.Value, additionalSchema) is { } error)
                        {
                            return error;
                        }
                    }
                    else if (additional.GetValueKind() == JsonValueKind.False)
                    {
                        unexpected.Add(member.Name);
                    }
                }
                if (unexpected.Count > 0)
                {
                    var verb = unexpected.Count == 1 ? "was" : "were";
                    return $"Additional properties are not allowed ({string.Join(", ", unexpected.Select(u => PythonRepr.Of(u)))} {verb} unexpected)";
                }
            }
            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required)
                {
                    if (!instance.TryGetProperty((string)name!, out _))
                    {
                        return $"{PythonRepr.Of((string?)name)} is a required property";
                    }
                }
            }
        }
        return null;
    }

    private static bool MatchesType(JsonElement instance, JsonNode type)
    {
        if (type is JsonArray types)
        {
            return types.Any(t => MatchesType(instance, (string)t!));
        }
        return MatchesType(instance, (string)type!);
    }

    private static bool MatchesType(JsonElement instance, string type) => type switch
    {
        "null" => instance.ValueKind == JsonValueKind.Null,
        "string" => instance.ValueKind == JsonValueKind.String,
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "number" => instance.ValueKind == JsonValueKind.Number,
        // jsonschema counts 1.0 as an integer, as Python's float.is_integer() does.
        "integer" => instance.ValueKind == JsonValueKind.Number
            && double.TryParse(instance.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && Math.Floor(number) == number && !double.IsInfinity(number),
        _ => true,
    };

    private static bool SameValue(JsonElement instance, JsonNode? choice) => choice switch
    {
        null => instance.ValueKind == JsonValueKind.Null,
        _ when choice.GetValueKind() == JsonValueKind.String => instance.ValueKind == JsonValueKind.String && instance.GetString() == (string?)choice,
        _ => JsonNode.DeepEquals(JsonNode.Parse(instance.GetRawText()), choice),
    };

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }
}

/// <summary>Python's repr() of JSON values, for messages that quote a client's input as Glance's do.</summary>
internal static class PythonRepr
{
    public static string Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "None",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.String => Of(value.GetString()),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(Of)) + "]",
        _ => "{" + string.Join(", ", value.EnumerateObject().Select(p => Of(p.Name) + ": " + Of(p.Value))) + "}",
    };

    public static string Of(JsonNode? value) => value is null ? "None" : Of(JsonDocument.Parse(value.ToJsonString()).RootElement);

    /// <summary>A str's repr: single quotes unless the text has one and no double quote.</summary>
    public static string Of(string? text)
    {
        if (text is null)
        {
            return "None";
        }
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var repr = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    repr.Append("\\\\");
                    break;
                case '\n':
                    repr.Append("\\n");
                    break;
                case '\r':
                    repr.Append("\\r");
                    break;
                case '\t':
                    repr.Append("\\t");
                    break;
                case var q when q == quote:
                    repr.Append('\\').Append(q);
                    break;
                case < ' ' or '\u007f':
                    repr.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    repr.Append(c);
                    break;
            }
        }
        return repr.Append(quote).ToString();
    }
}
