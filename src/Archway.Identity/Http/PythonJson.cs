using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Archway.Identity.Http;

/// <summary>
/// Python's <c>json.dumps</c> (default separators, ensure_ascii) and <c>repr</c> for JSON values: what Keystone
/// encrypts for an ec2 blob, shows for an ec2 blob it stored as an object, and prints in schema messages.
/// </summary>
internal static class PythonJson
{
    /// <summary><c>json.dumps(text)</c>: a JSON string with every character outside ' '..'~' escaped.</summary>
    public static string DumpString(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        AppendJsonString(builder, text);
        return builder.ToString();
    }

    /// <summary><c>json.dumps(json.loads(element))</c>.</summary>
    public static string Dumps(JsonElement element)
    {
        var builder = new StringBuilder();
        Append(builder, element, json: true);
        return builder.ToString();
    }

    /// <summary><c>repr(json.loads(element))</c>, as jsonschema prints an instance.</summary>
    public static string Repr(JsonElement element)
    {
        var builder = new StringBuilder();
        Append(builder, element, json: false);
        return builder.ToString();
    }

    /// <summary><c>repr(text)</c>.</summary>
    public static string Repr(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        AppendRepr(builder, text);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, JsonElement element, bool json)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var (name, value) in Members(element))
                {
                    builder.Append(first ? "" : ", ");
                    first = false;
                    if (json)
                    {
                        AppendJsonString(builder, name);
                    }
                    else
                    {
                        AppendRepr(builder, name);
                    }
                    builder.Append(": ");
                    Append(builder, value, json);
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    builder.Append(firstItem ? "" : ", ");
                    firstItem = false;
                    Append(builder, item, json);
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                if (json)
                {
                    AppendJsonString(builder, element.GetString()!);
                }
                else
                {
                    AppendRepr(builder, element.GetString()!);
                }
                break;
            case JsonValueKind.Number:
                AppendNumber(builder, element.GetRawText(), json);
                break;
            case JsonValueKind.True:
                builder.Append(json ? "true" : "True");
                break;
            case JsonValueKind.False:
                builder.Append(json ? "false" : "False");
                break;
            default:
                builder.Append(json ? "null" : "None");
                break;
        }
    }

    /// <summary>An object's members as Python's dict holds them: a repeated name keeps its first place and last value.</summary>
    private static List<(string Name, JsonElement Value)> Members(JsonElement element)
    {
        var members = new List<(string Name, JsonElement Value)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (index.TryGetValue(property.Name, out var at))
            {
                members[at] = (property.Name, property.Value);
            }
            else
            {
                index[property.Name] = members.Count;
                members.Add((property.Name, property.Value));
            }
        }
        return members;
    }

    private static void AppendJsonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ' or > '~': builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }

    private static void AppendRepr(StringBuilder builder, string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (value == quote || value == '\\')
            {
                builder.Append('\\').Append((char)value);
            }
            else if (value == '\t')
            {
                builder.Append("\\t");
            }
            else if (value == '\n')
            {
                builder.Append("\\n");
            }
            else if (value == '\r')
            {
                builder.Append("\\r");
            }
            else if (value == ' ' || IsPrintable(rune))
            {
                builder.Append(rune.ToString());
            }
            else
            {
                builder.Append(value switch
                {
                    < 0x100 => string.Create(CultureInfo.InvariantCulture, $"\\x{value:x2}"),
                    < 0x10000 => string.Create(CultureInfo.InvariantCulture, $"\\u{value:x4}"),
                    _ => string.Create(CultureInfo.InvariantCulture, $"\\U{value:x8}"),
                });
            }
        }
        builder.Append(quote);
    }

    /// <summary>Python's str.isprintable for one character: not a control, format, separator, private or unassigned one.</summary>
    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) is not (
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.SpaceSeparator);

    /// <summary>
    /// json.loads makes an int of a number without '.', 'e' or 'E' (printed exactly) and a float of the rest (printed
    /// as float.__repr__: shortest round trip, exponent form below 1e-4 and from 1e16).
    /// </summary>
    private static void AppendNumber(StringBuilder builder, string raw, bool json)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            builder.Append(raw == "-0" ? "0" : raw);
            return;
        }
        var value = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            builder.Append(value > 0 ? (json ? "Infinity" : "inf") : (json ? "-Infinity" : "-inf"));
            return;
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.StartsWith('-'))
        {
            builder.Append('-');
            text = text[1..];
        }
        var exponent = 0;
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? text : text[..dot];
        var allDigits = integerPart + (dot < 0 ? "" : text[(dot + 1)..]);
        var significant = allDigits.TrimStart('0');
        // The value is 0.<digits> × 10^point.
        var point = integerPart.Length + exponent - (allDigits.Length - significant.Length);
        var digits = significant.TrimEnd('0');
        if (digits.Length == 0)
        {
            builder.Append("0.0");
        }
        else if (point is > -4 and <= 16)
        {
            if (point <= 0)
            {
                builder.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                builder.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }
            var power = point - 1;
            builder.Append('e').Append(power < 0 ? '-' : '+').Append(Math.Abs(power).ToString("00", CultureInfo.InvariantCulture));
        }
    }
}
