using System.Text;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// Reads an openrc file (the install guide's `export OS_...=...` lines) the way `. admin-openrc` would set them,
/// for the quoting a generator writes: single quotes (with '\'' inside), double quotes, backslashes.
/// </summary>
public static class Openrc
{
    public static IReadOnlyDictionary<string, string> Load(string path) => Parse(File.ReadAllText(path));

    public static Dictionary<string, string> Parse(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            const string export = "export ";
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith(export, StringComparison.Ordinal) || equals < 0)
            {
                throw new FormatException($"not an `export NAME=VALUE` line: {rawLine}");
            }
            var name = line[export.Length..equals].Trim();
            variables[name] = Word(line[(equals + 1)..], rawLine);
        }
        return variables;
    }

    /// <summary>One shell word; anything after it must be a comment.</summary>
    private static string Word(string text, string line)
    {
        var value = new StringBuilder();
        var i = 0;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            var c = text[i++];
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i);
                    if (close < 0)
                    {
                        throw new FormatException($"unterminated single quote: {line}");
                    }
                    value.Append(text, i, close - i);
                    i = close + 1;
                    break;
                case '"':
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '$' || text[i] == '`')
                        {
                            throw new FormatException($"expansion inside double quotes is not supported: {line}");
                        }
                        if (text[i] == '\\' && i + 1 < text.Length && "$`\"\\".Contains(text[i + 1], StringComparison.Ordinal))
                        {
                            i++;
                        }
                        value.Append(text[i++]);
                    }
                    if (i >= text.Length)
                    {
                        throw new FormatException($"unterminated double quote: {line}");
                    }
                    i++;
                    break;
                case '\\' when i < text.Length:
                    value.Append(text[i++]);
                    break;
                case '$' or '`':
                    throw new FormatException($"expansion is not supported: {line}");
                default:
                    value.Append(c);
                    break;
            }
        }
        var rest = text[i..].Trim();
        if (rest.Length > 0 && !rest.StartsWith('#'))
        {
            throw new FormatException($"more than one word after '=': {line}");
        }
        return value.ToString();
    }
}
