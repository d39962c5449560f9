using System.Globalization;
using System.Numerics;
using System.Text;

namespace Archway.Identity.Policy;

/// <summary>
/// The <c>KIND</c> side of a generic check: oslo.policy's GenericCheck first tries <c>ast.literal_eval(kind)</c>
/// and, when that works, compares <c>str(literal)</c> with the substituted value (<c>True:%(target.user.enabled)s</c>,
/// <c>None:%(target.role.domain_id)s</c>, <c>'member':%(role.name)s</c>); otherwise the kind is a dotted path into
/// the credentials.
/// </summary>
internal static class PythonLiteral
{
    /// <summary>
    /// Classifies <paramref name="kind"/>: a literal (<paramref name="text"/> is its <c>str()</c>), a path (both null),
    /// or neither (<paramref name="error"/>).
    /// </summary>
    /// <remarks>
    /// Supported literals: <c>True</c>, <c>False</c>, <c>None</c>, signed integers (decimal, 0x, 0o, 0b, underscores),
    /// floats, and '...'/"..." strings (optionally u/r-prefixed). A kind that starts like a literal but is not one of
    /// these (<c>1.2.3</c>, <c>01</c>, <c>[1]</c>, <c>b'x'</c>) is an error: Python would raise at request time or
    /// compare against a container's text, both surely mistakes.
    /// </remarks>
    public static void Classify(string kind, out string? text, out string? error)
    {
        text = null;
        error = null;
        switch (kind)
        {
            case "True" or "False" or "None":
                text = kind;
                return;
            case "":
                error = "the check has an empty kind before ':'";
                return;
        }

        var first = kind[0];
        var prefixedQuote = kind.Length > 1 && IsQuote(kind[1]) && char.IsAsciiLetter(first);
        if (IsQuote(first) || (prefixedQuote && first is 'u' or 'U' or 'r' or 'R'))
        {
            text = ParseString(kind, out error);
            return;
        }

        if (char.IsAsciiDigit(first) || first is '.' or '+' or '-')
        {
            text = ParseNumber(kind);
            if (text is null)
            {
                error = $"the kind \"{kind}\" is neither a Python literal nor a credential attribute";
            }

            return;
        }

        if (first is '[' or '(' or '{' || prefixedQuote)
        {
            error = $"the kind \"{kind}\" is a Python literal that policy checks do not support";
        }
    }

    private static bool IsQuote(char c) => c is '\'' or '"';

    private static string? ParseString(string kind, out string? error)
    {
        error = null;
        var raw = false;
        var body = kind;
        if (kind[0] is 'u' or 'U' or 'r' or 'R')
        {
            raw = kind[0] is 'r' or 'R';
            body = kind[1..];
        }

        var quote = body[0];
        if (body.Length < 2 || body[^1] != quote || (body.Length >= 6 && body.StartsWith(new string(quote, 3), StringComparison.Ordinal)))
        {
            error = $"the kind \"{kind}\" is not a simple quoted string";
            return null;
        }

        var inner = body[1..^1];
        var result = new StringBuilder();
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (c == quote)
            {
                error = $"the kind \"{kind}\" is not a simple quoted string";
                return null;
            }

            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (i + 1 >= inner.Length)
            {
                error = $"the kind \"{kind}\" ends inside an escape";
                return null;
            }

            var next = inner[++i];
            if (raw)
            {
                result.Append('\\').Append(next);
                continue;
            }

            switch (next)
            {
                case '\\' or '\'' or '"':
                    result.Append(next);
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                case 'a':
                    result.Append('\a');
                    break;
                case 'b':
                    result.Append('\b');
                    break;
                case 'f':
                    result.Append('\f');
                    break;
                case 'v':
                    result.Append('\v');
                    break;
                case 'x' or 'u' or 'U':
                    var length = next == 'x' ? 2 : next == 'u' ? 4 : 8;
                    if (inner.Length - (i + 1) < length
                        || !uint.TryParse(inner.AsSpan(i + 1, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                        || code > 0x10FFFF)
                    {
                        error = $"the kind \"{kind}\" has a bad \\{next} escape";
                        return null;
                    }

                    result.Append(code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32((int)code));
                    i += length;
                    break;
                default:
                    if (next is >= '0' and <= '7')
                    {
                        var end = i;
                        while (end + 1 < inner.Length && end - i < 2 && inner[end + 1] is >= '0' and <= '7')
                        {
                            end++;
                        }

                        result.Append((char)Convert.ToInt32(inner[i..(end + 1)], 8));
                        i = end;
                    }
                    else
                    {
                        // Python keeps unknown escapes as written.
                        result.Append('\\').Append(next);
                    }

                    break;
            }
        }

        return result.ToString();
    }

    /// <summary>A signed int or float literal as <c>str()</c> prints it; null if it is not one.</summary>
    private static string? ParseNumber(string kind)
    {
        var negative = kind[0] == '-';
        var body = kind[0] is '+' or '-' ? kind[1..] : kind;
        if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = body[1] is 'x' or 'X' ? 16 : body[1] is 'o' or 'O' ? 8 : 2;
            var digits = body[2..];
            if (digits.StartsWith('_'))
            {
                digits = digits[1..];
            }

            if (!ValidUnderscores(digits, c => DigitValue(c) < radix))
            {
                return null;
            }

            BigInteger value = 0;
            foreach (var c in digits)
            {
                if (c != '_')
                {
                    value = (value * radix) + DigitValue(c);
                }
            }

            return (negative ? -value : value).ToString(CultureInfo.InvariantCulture);
        }

        if (!ValidUnderscores(body, char.IsAsciiDigit, allowOthers: true))
        {
            return null;
        }

        var plain = body.Replace("_", string.Empty, StringComparison.Ordinal);
        if (plain.Length > 0 && plain.All(char.IsAsciiDigit))
        {
            // Python forbids leading zeros in a non-zero decimal integer ("01").
            if (plain.Length > 1 && plain[0] == '0' && plain.Any(c => c != '0'))
            {
                return null;
            }

            var value = BigInteger.Parse(plain, CultureInfo.InvariantCulture);
            return (negative ? -value : value).ToString(CultureInfo.InvariantCulture);
        }

        if (!IsFloatLiteral(plain))
        {
            return null;
        }

        var number = double.Parse(plain, NumberStyles.Float, CultureInfo.InvariantCulture);
        return PythonText.FloatRepr(negative ? -number : number);
    }

    private static int DigitValue(char c) =>
        char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;

    /// <summary>Python allows an underscore only between two digits.</summary>
    private static bool ValidUnderscores(string s, Func<char, bool> isDigit, bool allowOthers = false)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '_')
            {
                if (i == 0 || i == s.Length - 1 || !isDigit(s[i - 1]) || !isDigit(s[i + 1]))
                {
                    return false;
                }
            }
            else if (!allowOthers && !isDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>digits [. digits] [e [sign] digits], with at least one digit in the mantissa.</summary>
    private static bool IsFloatLiteral(string s)
    {
        var i = 0;
        var mantissaDigits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            mantissaDigits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                mantissaDigits++;
            }
        }

        if (mantissaDigits == 0)
        {
            return false;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var exponentDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                exponentDigits++;
            }

            if (exponentDigits == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }
}
