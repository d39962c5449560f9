using System.Globalization;

namespace Archway.Data.Configuration;

/// <summary>
/// Reads typed options out of an <see cref="IniFile"/>, collecting every invalid value instead of stopping at the
/// first, and remembering which options it was asked for so the rest can be reported as unknown.
/// </summary>
public sealed class OptionReader(IniFile file)
{
    private readonly HashSet<(string, string)> _known = [];
    private readonly HashSet<string> _knownSections = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Sections whose options are read elsewhere (or deliberately ignored) and so are never "unknown".</summary>
    public void AcceptSection(string section) => _knownSections.Add(section);

    public string String(string section, string name, string defaultValue) =>
        Raw(section, name)?.Value ?? defaultValue;

    public string? OptionalString(string section, string name)
    {
        var value = Raw(section, name)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public int Int(string section, string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = Raw(section, name);
        if (raw is null)
        {
            return defaultValue;
        }
        if (!int.TryParse(raw.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Problem(raw, "is not an integer");
            return defaultValue;
        }
        if (value < min || value > max)
        {
            Problem(raw, max == int.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
            return defaultValue;
        }
        return value;
    }

    public long Long(string section, string name, long defaultValue, long min = long.MinValue, long max = long.MaxValue)
    {
        var raw = Raw(section, name);
        if (raw is null)
        {
            return defaultValue;
        }
        if (!long.TryParse(raw.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Problem(raw, "is not an integer");
            return defaultValue;
        }
        if (value < min || value > max)
        {
            Problem(raw, max == long.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
            return defaultValue;
        }
        return value;
    }

    public int? OptionalInt(string section, string name, int min = int.MinValue)
    {
        var raw = Raw(section, name);
        if (raw is null || raw.Value.Length == 0)
        {
            return null;
        }
        return Int(section, name, 0, min);
    }

    public bool Bool(string section, string name, bool defaultValue)
    {
        var raw = Raw(section, name);
        if (raw is null)
        {
            return defaultValue;
        }
        // oslo.config's accepted spellings.
        switch (raw.Value.ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off":
                return false;
            default:
                Problem(raw, "is not a boolean (true/false)");
                return defaultValue;
        }
    }

    public string Choice(string section, string name, string defaultValue, params string[] choices)
    {
        var raw = Raw(section, name);
        if (raw is null)
        {
            return defaultValue;
        }
        if (Array.IndexOf(choices, raw.Value) < 0)
        {
            Problem(raw, $"must be one of: {string.Join(", ", choices)}");
            return defaultValue;
        }
        return raw.Value;
    }

    public IReadOnlyList<string> List(string section, string name, IReadOnlyList<string> defaultValue)
    {
        var raw = Raw(section, name);
        if (raw is null)
        {
            return defaultValue;
        }
        return raw.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Records a problem about an option that a caller validated itself.</summary>
    public void Problem(IniValue value, string message) =>
        _problems.Add($"[{value.Section}] {value.Name} = '{value.Value}' ({value.Source}) {message}");

    public IniValue? Raw(string section, string name)
    {
        _known.Add((section, name));
        return file.Get(section, name);
    }

    /// <summary>Options present in the file that nothing asked for: a typo, or an option Archway does not have.</summary>
    public IEnumerable<IniValue> Unknown() =>
        file.Values.Where(v => !_known.Contains((v.Section, v.Name)) && !_knownSections.Contains(v.Section));

    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new ConfigurationException(_problems);
        }
    }
}
