using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Archway.Identity.Policy;

/// <summary>
/// The YAML that policy files use: one flat block mapping of rule name to check string, with comments, plain,
/// 'single-quoted' and "double-quoted" scalars (escapes and multi-line folding as PyYAML reads them). Anything else
/// YAML allows (nested collections, flow style, block scalars, anchors, tags, several documents) is reported as
/// an error rather than guessed at.
/// </summary>
/// <remarks>
/// Plain scalars resolve as PyYAML's YAML 1.1 resolver does, so <c>yes</c>, <c>1</c>, <c>~</c> or an empty value are
/// not strings; those are errors (quote them). <c>@</c>, <c>!</c> and <c>%</c> cannot begin a plain scalar, so the
/// common <c>"identity:x": !</c> must be written <c>"identity:x": "!"</c>, as PyYAML also demands.
/// </remarks>
internal static partial class FlatYamlReader
{
    public static List<PolicyFileRule> Read(string text, List<string> errors) => new Reader(text, errors).Read();

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^(?:~|null|Null|NULL|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampPattern();

    /// <summary>What PyYAML's implicit resolver makes of a plain scalar, when it is not a string.</summary>
    private static string? NonStringType(string plain) =>
        BoolPattern().IsMatch(plain) ? "a boolean"
        : IntPattern().IsMatch(plain) ? "an integer"
        : FloatPattern().IsMatch(plain) ? "a float"
        : NullPattern().IsMatch(plain) ? "null"
        : TimestampPattern().IsMatch(plain) ? "a timestamp"
        : plain is "<<" or "=" ? "a YAML merge or value key"
        : null;

    private sealed class Reader(string text, List<string> errors)
    {
        private readonly string[] _lines = SplitLines(text);
        private readonly List<PolicyFileRule> _rules = [];
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private int _mappingIndent = -1;

        public List<PolicyFileRule> Read()
        {
            var sawContent = false;
            var ended = false;
            var i = 0;
            while (i < _lines.Length)
            {
                var line = _lines[i];
                var indent = Indentation(line);
                var content = line[indent..];
                if (IsBlankOrComment(content))
                {
                    i++;
                    continue;
                }

                if (line[..indent].Contains('\t', StringComparison.Ordinal))
                {
                    Error(i, "a tab indents this line; YAML indents with spaces");
                    i++;
                    continue;
                }

                if (indent == 0 && IsMarker(content, "---"))
                {
                    if (sawContent || ended)
                    {
                        Error(i, "a second YAML document; the policy file must be one mapping");
                        return _rules;
                    }

                    if (!IsBlankOrComment(content[3..].TrimStart(' ', '\t')))
                    {
                        Error(i, "content on the '---' line is not supported; start the mapping on the next line");
                    }

                    sawContent = true;
                    i++;
                    continue;
                }

                if (indent == 0 && IsMarker(content, "..."))
                {
                    ended = true;
                    i++;
                    continue;
                }

                if (ended)
                {
                    Error(i, "content after the end-of-document marker '...'");
                    return _rules;
                }

                if (indent == 0 && content[0] == '%')
                {
                    Error(i, "YAML directives are not supported");
                    i++;
                    continue;
                }

                sawContent = true;
                if (_mappingIndent < 0)
                {
                    _mappingIndent = indent;
                }

                if (indent != _mappingIndent)
                {
                    Error(i, indent > _mappingIndent
                        ? "unexpected indentation; the policy file must be a flat mapping of rule names to check strings"
                        : "less indented than the entries before it");
                    i++;
                    continue;
                }

                i = ReadEntry(i, indent);
            }

            return _rules;
        }

        /// <summary>Reads "name: value" starting at line <paramref name="i"/>; returns the next line to read.</summary>
        private int ReadEntry(int i, int column)
        {
            var line = _lines[i];
            var start = i;
            string name;
            int position;
            var c = line[column];
            if (c is '"' or '\'')
            {
                var end = i;
                if (!TryReadQuoted(ref end, column, out var quotedName, out position) || end != i)
                {
                    if (end != i)
                    {
                        Error(i, "a rule name must fit on one line");
                    }

                    return Math.Max(end, i) + 1;
                }

                name = quotedName;
            }
            else if ((c is '-' or '?') && (column + 1 == line.Length || line[column + 1] is ' ' or '\t'))
            {
                Error(i, c == '-'
                    ? "the policy file must be a mapping of rule names to check strings, not a list"
                    : "complex mapping keys are not supported");
                return i + 1;
            }
            else if (c is '{' or '[')
            {
                Error(i, "flow-style YAML ({...} or [...]) is only accepted when the whole file is valid JSON");
                return i + 1;
            }
            else if (!CanStartPlain(line, column))
            {
                Error(i, $"a rule name cannot start with '{c}' unless quoted");
                return i + 1;
            }
            else
            {
                var colon = FindPlainEnd(line, column, out var isValue);
                if (!isValue)
                {
                    Error(i, $"expected \"name: check string\", found \"{line[column..].TrimEnd()}\"");
                    return i + 1;
                }

                name = line[column..colon].TrimEnd(' ', '\t');
                if (NonStringType(name) is { } type)
                {
                    Error(i, $"the rule name \"{name}\" reads as {type} in YAML; quote it");
                    return SkipValue(i);
                }

                position = colon;
            }

            position = SkipSpaces(line, position);
            if (position >= line.Length || line[position] != ':' || (position + 1 < line.Length && line[position + 1] is not (' ' or '\t')))
            {
                Error(i, $"expected ': ' after the rule name \"{name}\"");
                return i + 1;
            }

            position = SkipSpaces(line, position + 1);
            var next = i;
            string? value;
            if (IsBlankOrComment(line[position..]))
            {
                // The value may start on a following, more indented line.
                var j = i + 1;
                while (j < _lines.Length && IsBlankOrComment(_lines[j][Indentation(_lines[j])..]))
                {
                    j++;
                }

                if (j >= _lines.Length || Indentation(_lines[j]) <= _mappingIndent || IsDocumentMarker(_lines[j]))
                {
                    Error(i, $"\"{name}\" has no value (PyYAML reads null, which oslo.policy treats as allow-everyone); write \"\" to allow everyone or \"!\" to deny");
                    return i + 1;
                }

                next = j;
                position = Indentation(_lines[j]);
            }

            next = ReadScalar(next, position, out value);
            if (value is not null)
            {
                if (!_names.Add(name))
                {
                    Error(start, $"\"{name}\" is defined more than once");
                }
                else
                {
                    _rules.Add(PolicyFileRule.FromText(name, value, start + 1));
                }
            }

            return next;
        }

        /// <summary>Reads a scalar value starting at (<paramref name="i"/>, <paramref name="column"/>); returns the next line.</summary>
        private int ReadScalar(int i, int column, out string? value)
        {
            value = null;
            var line = _lines[i];
            var c = line[column];
            switch (c)
            {
                case '"' or '\'':
                    {
                        var end = i;
                        if (!TryReadQuoted(ref end, column, out var quoted, out var after))
                        {
                            return end + 1;
                        }

                        if (!IsBlankOrComment(_lines[end][after..].TrimStart(' ', '\t')))
                        {
                            Error(end, "unexpected text after the closing quote");
                            return end + 1;
                        }

                        value = quoted;
                        return end + 1;
                    }

                case '|' or '>':
                    Error(i, "block scalars (| and >) are not supported; write the check string on one line, quoted if need be");
                    return SkipValue(i);
                case '[' or '{':
                    Error(i, "YAML lists and mappings are not supported as values; use a check string (the list-of-lists form needs a JSON file)");
                    return SkipValue(i);
                case '!' or '&' or '*':
                    Error(i, $"a value cannot start with '{c}' in YAML (a tag, anchor or alias); quote it: \"{line[column..].TrimEnd()}\"");
                    return SkipValue(i);
            }

            if (!CanStartPlain(line, column))
            {
                Error(i, $"a value cannot start with '{c}' in YAML; quote it: \"{line[column..].TrimEnd()}\"");
                return SkipValue(i);
            }

            var text = new StringBuilder();
            var pendingBreaks = 0;
            var first = true;
            var row = i;
            while (row < _lines.Length)
            {
                var current = _lines[row];
                var start = first ? column : Indentation(current);
                var rest = current[start..];
                if (!first)
                {
                    if (rest.Trim(' ', '\t').Length == 0)
                    {
                        pendingBreaks++;
                        row++;
                        continue;
                    }

                    if (start <= _mappingIndent || rest[0] == '#' || IsDocumentMarker(current))
                    {
                        break;
                    }
                }

                var end = FindPlainEnd(current, start, out var isValue);
                if (isValue)
                {
                    Error(row, "\": \" inside an unquoted value starts a nested mapping; quote the value");
                    return SkipValue(row);
                }

                var piece = current[start..end].TrimEnd(' ', '\t');
                if (!first)
                {
                    text.Append(pendingBreaks == 0 ? " " : new string('\n', pendingBreaks));
                }

                text.Append(piece);
                pendingBreaks = 0;
                first = false;
                row++;
                if (end < current.Length && current[end] == '#')
                {
                    break;
                }
            }

            var plain = text.ToString();
            if (NonStringType(plain) is { } type)
            {
                Error(i, $"the value \"{plain}\" reads as {type} in YAML, not a check string; quote it");
                return row;
            }

            value = plain;
            return row;
        }

        /// <summary>
        /// Reads a quoted scalar whose opening quote is at (<paramref name="row"/>, <paramref name="column"/>), folding
        /// line breaks as YAML does; leaves <paramref name="row"/> on the line of the closing quote and
        /// <paramref name="after"/> just past it.
        /// </summary>
        private bool TryReadQuoted(ref int row, int column, out string value, out int after)
        {
            var quote = _lines[row][column];
            var text = new StringBuilder();
            var position = column + 1;
            value = string.Empty;
            after = 0;
            var startRow = row;
            while (true)
            {
                var line = _lines[row];
                while (position < line.Length)
                {
                    var c = line[position];
                    if (c == quote)
                    {
                        if (quote == '\'' && position + 1 < line.Length && line[position + 1] == '\'')
                        {
                            text.Append('\'');
                            position += 2;
                            continue;
                        }

                        value = text.ToString();
                        after = position + 1;
                        return true;
                    }

                    if (c == '\\' && quote == '"')
                    {
                        if (position + 1 >= line.Length)
                        {
                            // An escaped line break: join with no space.
                            position = line.Length;
                            if (!NextLine(ref row, startRow, out position, escaped: true, text))
                            {
                                return false;
                            }

                            line = _lines[row];
                            continue;
                        }

                        if (!TryEscape(line, ref position, text, out var problem))
                        {
                            Error(row, problem);
                            return false;
                        }

                        continue;
                    }

                    if (c is ' ' or '\t')
                    {
                        // Whitespace before a line break is dropped.
                        var end = position;
                        while (end < line.Length && line[end] is ' ' or '\t')
                        {
                            end++;
                        }

                        if (end < line.Length)
                        {
                            text.Append(line, position, end - position);
                        }

                        position = end;
                        continue;
                    }

                    text.Append(c);
                    position++;
                }

                if (!NextLine(ref row, startRow, out position, escaped: false, text))
                {
                    return false;
                }
            }
        }

        /// <summary>Moves a quoted scalar onto its next line, appending the folded line break.</summary>
        private bool NextLine(ref int row, int startRow, out int position, bool escaped, StringBuilder text)
        {
            var breaks = 0;
            position = 0;
            while (true)
            {
                row++;
                if (row >= _lines.Length)
                {
                    Error(startRow, "a quoted value is never closed");
                    row = _lines.Length - 1;
                    return false;
                }

                if (IsDocumentMarker(_lines[row]))
                {
                    Error(row, "a document marker inside a quoted value");
                    return false;
                }

                var line = _lines[row];
                position = 0;
                while (position < line.Length && line[position] is ' ' or '\t')
                {
                    position++;
                }

                if (position < line.Length)
                {
                    break;
                }

                breaks++;
            }

            if (breaks > 0)
            {
                text.Append('\n', breaks);
            }
            else if (!escaped)
            {
                text.Append(' ');
            }

            return true;
        }

        /// <summary>A double-quoted escape at <paramref name="position"/> (the backslash), as PyYAML decodes it.</summary>
        private static bool TryEscape(string line, ref int position, StringBuilder text, out string problem)
        {
            problem = string.Empty;
            var c = line[position + 1];
            string? simple = c switch
            {
                '0' => "\0",
                'a' => "\a",
                'b' => "\b",
                't' or '\t' => "\t",
                'n' => "\n",
                'v' => "\v",
                'f' => "\f",
                'r' => "\r",
                'e' => "\x1b",
                ' ' => " ",
                '"' => "\"",
                '/' => "/",
                '\\' => "\\",
                'N' => "\x85",
                '_' => "\xa0",
                'L' => "\u2028",
                'P' => "\u2029",
                _ => null,
            };
            if (simple is not null)
            {
                text.Append(simple);
                position += 2;
                return true;
            }

            var length = c switch { 'x' => 2, 'u' => 4, 'U' => 8, _ => 0 };
            if (length == 0)
            {
                problem = $"unknown escape \\{c} in a double-quoted value";
                return false;
            }

            if (position + 2 + length > line.Length
                || !uint.TryParse(line.AsSpan(position + 2, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                || code > 0x10FFFF)
            {
                problem = $"bad \\{c} escape in a double-quoted value";
                return false;
            }

            text.Append(code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32((int)code));
            position += 2 + length;
            return true;
        }

        /// <summary>Skips the rest of a value that could not be read: its more indented continuation lines.</summary>
        private int SkipValue(int i)
        {
            var j = i + 1;
            while (j < _lines.Length)
            {
                var content = _lines[j][Indentation(_lines[j])..];
                if (!IsBlankOrComment(content) && Indentation(_lines[j]) <= _mappingIndent)
                {
                    break;
                }

                j++;
            }

            return j;
        }

        private void Error(int row, string message) => errors.Add($"line {row + 1}: {message}");
    }

    /// <summary>
    /// The end of a plain scalar on this line: the ": " (or a ':' ending the line) that makes it a mapping key
    /// (<paramref name="isValue"/>), a " #" comment, or the end of the line.
    /// </summary>
    private static int FindPlainEnd(string line, int start, out bool isValue)
    {
        isValue = false;
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            if (c == ':' && (i + 1 == line.Length || line[i + 1] is ' ' or '\t'))
            {
                isValue = true;
                return i;
            }

            if (c == '#' && i > start && line[i - 1] is ' ' or '\t')
            {
                return i;
            }
        }

        return line.Length;
    }

    /// <summary>PyYAML's check_plain: these indicators cannot begin a plain scalar ('-', '?', ':' only when followed by a space).</summary>
    private static bool CanStartPlain(string line, int column)
    {
        var c = line[column];
        if (c is '-' or '?' or ':')
        {
            return column + 1 < line.Length && line[column + 1] is not (' ' or '\t');
        }

        return c is not (',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`');
    }

    private static int SkipSpaces(string line, int position)
    {
        while (position < line.Length && line[position] is ' ' or '\t')
        {
            position++;
        }

        return position;
    }

    private static int Indentation(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static bool IsBlankOrComment(string content) => content.Length == 0 || content[0] == '#' || content.Trim(' ', '\t').Length == 0;

    private static bool IsMarker(string content, string marker) =>
        content.StartsWith(marker, StringComparison.Ordinal) && (content.Length == 3 || content[3] is ' ' or '\t');

    private static bool IsDocumentMarker(string line) => IsMarker(line, "---") || IsMarker(line, "...");

    private static string[] SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
    }
}
