using System.CommandLine;
using Archway.Data.Configuration;
using Archway.Hosting;

namespace Archway.Cli;

/// <summary>
/// The `archway` command line: keystone-manage's management commands (db, fernet, credential, bootstrap) with the
/// same flags, plus `serve` and `up` to run the services.
/// </summary>
internal static class ArchwayCli
{
    public static readonly Option<string?> Config = new("--config") { Description = "keystone.conf-form configuration file (env ARCHWAY_CONFIG)" };
    public static readonly Option<string?> DataDir = new("--data-dir") { Description = "Where Archway keeps its state (env ARCHWAY_DATA_DIR; default ./archway-data)" };
    public static readonly Option<string?> ImageConfig = new("--image-config") { Description = "glance-api.conf-form configuration file of the Image service (env ARCHWAY_IMAGE_CONFIG)" };

    public static RootCommand Build()
    {
        var root = new RootCommand("Archway: OpenStack Identity (Keystone v3) and Image (Glance v2) services");
        root.Options.Add(Config);
        root.Options.Add(DataDir);
        root.Options.Add(ImageConfig);
        Config.Recursive = true;
        DataDir.Recursive = true;
        ImageConfig.Recursive = true;
        root.Subcommands.Add(ServeCommands.Up());
        root.Subcommands.Add(ServeCommands.Serve());
        root.Subcommands.Add(DbCommands.Build());
        root.Subcommands.Add(KeyCommands.Build("fernet", "Fernet token key repository ([fernet_tokens] key_repository)", s => (s.Identity.FernetKeyRepository, s.Identity.FernetMaxActiveKeys)));
        root.Subcommands.Add(CredentialCommands.Build());
        root.Subcommands.Add(BootstrapCommand.Build());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // The web host handles SIGTERM and Ctrl-C itself and drains requests before it stops.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await Build().Parse(args).InvokeAsync(configuration);
        }
        catch (ConfigurationException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (Archway.KeystoneAuth.KeystoneAuthConfigurationException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
    }

    /// <summary>Loads the settings and reports unknown options as warnings, as oslo.config would ignore them.</summary>
    public static ArchwaySettings LoadSettings(ParseResult parse, TextWriter error)
    {
        var settings = ArchwaySettings.Load(parse.GetValue(Config), parse.GetValue(DataDir));
        foreach (var unknown in settings.UnknownOptions)
        {
            error.WriteLine($"warning: unknown option [{unknown.Section}] {unknown.Name} ({unknown.Source}) is ignored");
        }
        return settings;
    }

    /// <summary>
    /// The Image service's settings: --image-config, or --config when the Image service is served alone (then the
    /// glance-api.conf file is the only configuration); unknown options are warnings.
    /// </summary>
    public static ImageSettings LoadImageSettings(ParseResult parse, TextWriter error, bool configIsGlance = false)
    {
        var dataDirectory = Path.GetFullPath(parse.GetValue(DataDir)
            ?? Environment.GetEnvironmentVariable(ArchwaySettings.DataDirectoryVariable) ?? "archway-data");
        var path = parse.GetValue(ImageConfig) ?? (configIsGlance ? parse.GetValue(Config) : null);
        var settings = ImageSettings.Load(path, dataDirectory);
        foreach (var unknown in settings.UnknownOptions)
        {
            error.WriteLine($"warning: unknown option [{unknown.Section}] {unknown.Name} ({unknown.Source}) is ignored");
        }
        return settings;
    }
}
