namespace Archway.Data.Configuration;

/// <summary>
/// An oslo.config-style INI file (keystone.conf, glance-api.conf): <c>[section]</c> headers, <c>name = value</c>
/// lines, <c>#</c> and <c>;</c> comments, indented continuation lines. Names are case-sensitive as in oslo.config,
/// except the section <c>DEFAULT</c>, which is matched without case.
/// </summary>
public sealed class IniFile
{
    private readonly Dictionary<(string Section, string Name), IniValue> _values = [];

    public IReadOnlyCollection<IniValue> Values => _values.Values;

    public static IniFile Parse(string text, string source)
    {
        var file = new IniFile();
        var errors = new List<string>();
        string? section = null;
        IniValue? last = null;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                last = null;
                continue;
            }
            if (char.IsWhiteSpace(line[0]) && last is not null)
            {
                // oslo.config (iniparser) joins indented continuation lines with a newline.
                last = last with { Value = last.Value + "\n" + trimmed };
                file._values[(last.Section, last.Name)] = last;
                continue;
            }
            if (trimmed[0] == '[')
            {
                if (trimmed[^1] != ']' || trimmed.Length < 3)
                {
                    errors.Add($"{source}:{lineNumber}: malformed section header '{trimmed}'");
                    section = null;
                    continue;
                }
                section = trimmed[1..^1].Trim();
                if (string.Equals(section, "DEFAULT", StringComparison.OrdinalIgnoreCase))
                {
                    section = "DEFAULT";
                }
                last = null;
                continue;
            }
            var separator = trimmed.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                errors.Add($"{source}:{lineNumber}: expected 'name = value', found '{trimmed}'");
                continue;
            }
            if (section is null)
            {
                errors.Add($"{source}:{lineNumber}: option outside any [section]");
                continue;
            }
            var name = trimmed[..separator].Trim();
            var value = Unquote(trimmed[(separator + 1)..].Trim());
            last = new IniValue(section, name, value, $"{source}:{lineNumber}");
            file._values[(section, name)] = last;
        }
        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }
        return file;
    }

    public static IniFile Load(string path) => Parse(File.ReadAllText(path), path);

    public static IniFile Empty { get; } = new();

    public IniValue? Get(string section, string name) =>
        _values.TryGetValue((section, name), out var value) ? value : null;

    public void Set(string section, string name, string value, string source) =>
        _values[(section, name)] = new IniValue(section, name, value, source);

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'' ? value[1..^1] : value;
}

/// <summary>One option's raw text and where it came from (file:line, an environment variable, a flag).</summary>
public sealed record IniValue(string Section, string Name, string Value, string Source);
