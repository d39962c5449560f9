using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Archway.Identity.Policy;

/// <summary>
/// Python's <c>str()</c> of the values a policy target holds, because oslo.policy compares text:
/// <c>"%(target.user.enabled)s" % target</c> turns <c>True</c> into <c>"True"</c> and <c>None</c> into <c>"None"</c>.
/// </summary>
internal static class PythonText
{
    public const string None = "None";
    public const string True = "True";
    public const string False = "False";

    /// <summary>
    /// <c>str(value)</c> for string, null, bool, integers, floating point, lists (any non-string enumerable) and
    /// string-keyed dictionaries; anything else by its invariant <c>ToString()</c>. Strings, null and bools do not allocate.
    /// </summary>
    public static string Str(object? value) => value switch
    {
        null => None,
        string s => s,
        bool b => b ? True : False,
        double d => FloatRepr(d),
        float f => FloatRepr(f),
        sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger or decimal =>
            ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr()</c>: strings quoted, containers as Python prints them.</summary>
    public static string Repr(object? value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value);
        return builder.ToString();
    }

    /// <summary>Python's <c>repr(float)</c>: the shortest round-tripping digits, <c>1.0</c>, <c>1e+16</c>, <c>1e-05</c>, <c>inf</c>, <c>nan</c>.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // .NET's "R" gives the same shortest round-trip digits as Python; only the layout differs.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? text.Length : dot;
        var digits = dot < 0 ? text : string.Concat(text.AsSpan(0, dot), text.AsSpan(dot + 1));
        var decimalPoint = integerDigits + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..];
        decimalPoint -= leading;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        // CPython's float_repr_style 'short' with mode 'r': exponent form when decpt <= -4 or decpt > 16.
        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            builder.Append(digits[0]);
            if (digits.Length > 1)
            {
                builder.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var shown = decimalPoint - 1;
            builder.Append('e').Append(shown < 0 ? '-' : '+').Append(Math.Abs(shown).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            builder.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            builder.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        }
        else
        {
            builder.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }

        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case string s:
                AppendStringRepr(builder, s);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                AppendDictionary(builder, pairs.Select(p => (p.Key, p.Value)));
                break;
            case IDictionary dictionary:
                AppendDictionary(builder, dictionary.Cast<DictionaryEntry>().Select(p => (Convert.ToString(p.Key, CultureInfo.InvariantCulture) ?? None, p.Value)));
                break;
            case IEnumerable items:
                builder.Append('[');
                var first = true;
                foreach (var item in items)
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    AppendRepr(builder, item);
                }

                builder.Append(']');
                break;
            case null or bool or double or float or sbyte or byte or short or ushort or int or uint or long or ulong or BigInteger or decimal:
                builder.Append(Str(value));
                break;
            default:
                builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void AppendDictionary(StringBuilder builder, IEnumerable<(string Key, object? Value)> pairs)
    {
        builder.Append('{');
        var first = true;
        foreach (var (key, item) in pairs)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            AppendStringRepr(builder, key);
            builder.Append(": ");
            AppendRepr(builder, item);
        }

        builder.Append('}');
    }

    /// <summary>CPython's unicode_repr: single quotes unless the text has ' and no ".</summary>
    private static void AppendStringRepr(StringBuilder builder, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\t':
                    builder.Append(@"\t");
                    break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < ' ' || c == '\x7f')
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else if (c > '\x7f' && !IsPrintable(c))
                    {
                        builder.Append(c <= '\xff'
                            ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append(quote);
    }

    /// <summary>Roughly <c>str.isprintable</c>: not a control, format, separator (other than space) or unassigned code point.</summary>
    private static bool IsPrintable(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse => false,
        _ => true,
    };
}
