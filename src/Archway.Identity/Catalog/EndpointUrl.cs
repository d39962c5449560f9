namespace Archway.Identity.Catalog;

/// <summary>
/// Keystone's <c>check_endpoint_url</c>: with "$(" read as "%(", the URL must format under Python's <c>%</c> operator
/// against a mapping of the whitelisted substitutions, each the empty string. So <c>$(project_id)s</c> is fine,
/// <c>$(foo)s</c> (unknown key), <c>$(project_id)d</c> (not a string conversion) and a stray <c>%</c> such as
/// <c>%20b</c> are not, while <c>%%</c> and one <c>%s</c> (which formats the mapping itself) are.
/// </summary>
internal static class EndpointUrl
{
    private static readonly HashSet<string> Substitutions = new(StringComparer.Ordinal)
    {
        "tenant_id", "project_id", "user_id", "public_bind_host", "admin_bind_host", "compute_host", "admin_port",
        "public_port", "public_endpoint",
    };

    /// <summary>True when Python's <c>url.replace('$(', '%(') % substitutions</c> raises no KeyError, TypeError or ValueError.</summary>
    public static bool IsValid(string url)
    {
        var format = url.Replace("$(", "%(", StringComparison.Ordinal);
        // CPython hands a spec without a key the mapping itself, once; a keyed spec uses up its own value the same way,
        // so an unkeyed spec after any other spec finds no argument left.
        var mappingUnused = true;
        var i = 0;
        while (true)
        {
            var percent = format.IndexOf('%', i);
            if (percent < 0)
            {
                return true;
            }
            i = percent + 1;
            if (i == format.Length)
            {
                return false;
            }
            if (format[i] == '%')
            {
                i++;
                continue;
            }
            var keyed = false;
            if (format[i] == '(')
            {
                var depth = 1;
                var start = ++i;
                while (i < format.Length && depth > 0)
                {
                    depth += format[i] switch { '(' => 1, ')' => -1, _ => 0 };
                    i++;
                }
                if (depth > 0 || !Substitutions.Contains(format[start..(i - 1)]))
                {
                    return false;
                }
                keyed = true;
            }
            while (i < format.Length && format[i] is '-' or '+' or ' ' or '#' or '0')
            {
                i++;
            }
            // '*' takes the width from the argument, which is never an int here.
            if ((i < format.Length && format[i] == '*') || !SkipNumber(format, ref i))
            {
                return false;
            }
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if ((i < format.Length && format[i] == '*') || !SkipNumber(format, ref i))
                {
                    return false;
                }
            }
            if (i < format.Length && format[i] is 'h' or 'l' or 'L')
            {
                i++;
            }
            // Only the conversions that accept any object take an empty string or a dict.
            if (i == format.Length || format[i] is not ('s' or 'r' or 'a') || (!keyed && !mappingUnused))
            {
                return false;
            }
            i++;
            mappingUnused = false;
        }
    }

    /// <summary>
    /// Skips a width or precision; false past int.MaxValue, which Python cannot honour either (past ssize_t a
    /// ValueError; below that it tries to build the string, and Keystone answers 500 when memory runs out).
    /// </summary>
    private static bool SkipNumber(string format, ref int i)
    {
        var value = 0L;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            value = value * 10 + (format[i] - '0');
            if (value > int.MaxValue)
            {
                return false;
            }
            i++;
        }
        return true;
    }
}
