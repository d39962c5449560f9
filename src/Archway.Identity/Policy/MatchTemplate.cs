using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Archway.Identity.Policy;

/// <summary>
/// The value side of a check, <c>KIND:VALUE</c>, compiled once: oslo.policy evaluates <c>VALUE % target</c>, so
/// <c>%(target.user.id)s</c> is replaced by <c>str(target["target.user.id"])</c> and a missing key fails the check.
/// </summary>
/// <remarks>
/// Only <c>%(key)s</c> and <c>%%</c> are accepted; any other %-format would make Python format the whole target or
/// raise at request time, so it is reported when the policy is loaded. A literal or a lone <c>%(key)s</c> (every
/// Keystone rule) resolves without allocating; text around a substitution concatenates.
/// </remarks>
internal sealed class MatchTemplate
{
    private readonly string[] _parts;
    private readonly string[] _keys;

    private MatchTemplate(string[] parts, string[] keys)
    {
        _parts = parts;
        _keys = keys;
        Literal = keys.Length == 0 ? parts[0] : null;
    }

    /// <summary>The text when there is no substitution (after <c>%%</c> became <c>%</c>); null otherwise.</summary>
    public string? Literal { get; }

    /// <summary>The target keys substituted, in order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    public static bool TryParse(string match, [NotNullWhen(true)] out MatchTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        error = null;
        if (!match.Contains('%', StringComparison.Ordinal))
        {
            template = new MatchTemplate([match], []);
            return true;
        }

        var parts = new List<string>();
        var keys = new List<string>();
        var text = new StringBuilder();
        var i = 0;
        while (i < match.Length)
        {
            var c = match[i];
            if (c != '%')
            {
                text.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= match.Length)
            {
                error = $"\"{match}\" ends with a lone '%' (write %% for a percent sign)";
                return false;
            }

            if (match[i + 1] == '%')
            {
                text.Append('%');
                i += 2;
                continue;
            }

            if (match[i + 1] != '(')
            {
                error = $"\"{match}\" has a %-format other than %(name)s at offset {i} (write %% for a percent sign)";
                return false;
            }

            // CPython's PyUnicode_Format: the key runs to the matching ')', nested parentheses included.
            var keyStart = i + 2;
            var depth = 1;
            var j = keyStart;
            while (depth > 0 && j < match.Length)
            {
                if (match[j] == ')')
                {
                    depth--;
                }
                else if (match[j] == '(')
                {
                    depth++;
                }

                j++;
            }

            if (depth > 0)
            {
                error = $"\"{match}\" has an unclosed %( key";
                return false;
            }

            if (j >= match.Length || match[j] != 's')
            {
                error = $"\"{match}\" uses %(key) with a conversion other than s; only %(name)s is supported";
                return false;
            }

            parts.Add(text.ToString());
            text.Clear();
            keys.Add(match[keyStart..(j - 1)]);
            i = j + 1;
        }

        parts.Add(text.ToString());
        template = new MatchTemplate([.. parts], [.. keys]);
        return true;
    }

    /// <summary><c>VALUE % target</c>; false when a key is missing (oslo's KeyError, which fails the check).</summary>
    public bool TryResolve(IReadOnlyDictionary<string, object?> target, [NotNullWhen(true)] out string? text)
    {
        if (Literal is not null)
        {
            text = Literal;
            return true;
        }

        if (_keys.Length == 1 && _parts[0].Length == 0 && _parts[1].Length == 0)
        {
            if (target.TryGetValue(_keys[0], out var value))
            {
                text = PythonText.Str(value);
                return true;
            }

            text = null;
            return false;
        }

        var builder = new StringBuilder(_parts[0]);
        for (var k = 0; k < _keys.Length; k++)
        {
            if (!target.TryGetValue(_keys[k], out var value))
            {
                text = null;
                return false;
            }

            builder.Append(PythonText.Str(value)).Append(_parts[k + 1]);
        }

        text = builder.ToString();
        return true;
    }
}
