using Archway.Data.Configuration;
using Archway.Identity.Config;

namespace Archway.Hosting;

/// <summary>
/// Everything a command needs to know about where Archway keeps its state and how it is configured, resolved from
/// flags, environment and the keystone.conf-form file, in that order of precedence.
/// </summary>
internal sealed record ArchwaySettings(string DataDirectory, KeystoneOptions Identity, IReadOnlyList<IniValue> UnknownOptions)
{
    public const string DataDirectoryVariable = "ARCHWAY_DATA_DIR";
    public const string ConfigVariable = "ARCHWAY_CONFIG";

    /// <summary>Environment overrides name an option as ARCHWAY__SECTION__OPTION, e.g. ARCHWAY__TOKEN__EXPIRATION=600.</summary>
    public const string OverridePrefix = "ARCHWAY__";

    public static ArchwaySettings Load(string? configPath, string? dataDirectory)
    {
        dataDirectory ??= Environment.GetEnvironmentVariable(DataDirectoryVariable) ?? "archway-data";
        dataDirectory = Path.GetFullPath(dataDirectory);
        configPath ??= Environment.GetEnvironmentVariable(ConfigVariable);
        IniFile file;
        if (configPath is null)
        {
            file = new IniFile();
        }
        else if (!File.Exists(configPath))
        {
            throw new ConfigurationException([$"configuration file '{configPath}' does not exist"]);
        }
        else
        {
            file = IniFile.Load(configPath);
        }
        ApplyEnvironment(file);
        var reader = new OptionReader(file);
        var identity = KeystoneOptions.Read(reader, dataDirectory);
        reader.ThrowIfInvalid();
        return new ArchwaySettings(dataDirectory, identity, reader.Unknown().ToList());
    }

    private static void ApplyEnvironment(IniFile file)
    {
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (!name.StartsWith(OverridePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var parts = name[OverridePrefix.Length..].Split("__");
            if (parts.Length == 2)
            {
                var section = parts[0].Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) ? "DEFAULT" : parts[0].ToLowerInvariant();
                file.Set(section, parts[1].ToLowerInvariant(), (string?)variable.Value ?? "", "environment " + name);
            }
        }
    }
}
