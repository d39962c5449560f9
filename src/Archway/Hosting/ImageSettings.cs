using Archway.Data.Configuration;
using Archway.Image.Config;

namespace Archway.Hosting;

/// <summary>
/// The Image service's configuration: a glance-api.conf-form file (--image-config, env ARCHWAY_IMAGE_CONFIG; or
/// --config when only Image is served), then ARCHWAY_IMAGE__SECTION__OPTION environment overrides. Without a file
/// the database is glance.db and the store images/ under the data directory.
/// </summary>
internal sealed record ImageSettings(string DataDirectory, GlanceOptions Options, IReadOnlyList<IniValue> UnknownOptions, string? ConfigPath)
{
    public const string ConfigVariable = "ARCHWAY_IMAGE_CONFIG";

    /// <summary>Environment overrides name an Image option as ARCHWAY_IMAGE__SECTION__OPTION, e.g. ARCHWAY_IMAGE__DEFAULT__IMAGE_SIZE_CAP.</summary>
    public const string OverridePrefix = "ARCHWAY_IMAGE__";

    public static ImageSettings Load(string? configPath, string dataDirectory)
    {
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
        var reader = new OptionReader(file);
        var options = GlanceOptions.Read(reader, dataDirectory, file);
        reader.ThrowIfInvalid();
        return new ImageSettings(dataDirectory, options, reader.Unknown().ToList(), configPath);
    }
}
