using System.CommandLine;
using System.Security.Cryptography;
using Archway.Hosting;
using Archway.Identity.Bootstrap;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;

namespace Archway.Cli;

/// <summary>`archway up` (prepare everything, then serve) and `archway serve` (serve only).</summary>
internal static class ServeCommands
{
    private static readonly Option<string> Host = new("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> IdentityPort = new("--identity-port") { Description = "Identity API port", DefaultValueFactory = _ => 5000 };
    private static readonly Option<int> ImagePort = new("--image-port") { Description = "Image API port (reserved for the Image service)", DefaultValueFactory = _ => 9292 };
    private static readonly Option<string> Service = new("--service") { Description = "Which service to serve: all or identity", DefaultValueFactory = _ => "all" };

    public static Command Up()
    {
        var command = new Command("up", "Sync the database, create keys, bootstrap when needed, then serve")
        {
            Host, IdentityPort, ImagePort, BootstrapCommand.Password,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var settings = ArchwayCli.LoadSettings(parse, error);
            Directory.CreateDirectory(settings.DataDirectory);
            var identity = settings.Identity;
            var database = new IdentityDatabase(identity.Database);
            database.Database.Migrate();
            var fernet = new FernetKeyRepository(identity.FernetKeyRepository, identity.FernetMaxActiveKeys);
            if (!fernet.Exists)
            {
                fernet.Setup();
            }
            var credential = new FernetKeyRepository(identity.CredentialKeyRepository, identity.CredentialMaxActiveKeys);
            if (!credential.Exists)
            {
                credential.Setup();
            }

            var host = parse.GetValue(Host)!;
            var port = parse.GetValue(IdentityPort);
            var url = ArchwayHost.IdentityUrl(host, port);
            using (var logging = CommandLogging.Create())
            {
                var bootstrapper = new Bootstrapper(database, identity, TimeProvider.System, logging.CreateLogger<Bootstrapper>());
                if (!await bootstrapper.IsBootstrappedAsync("admin", cancellationToken))
                {
                    var password = BootstrapCommand.PasswordFrom(parse);
                    if (password is null)
                    {
                        password = GeneratePassword();
                        await output.WriteLineAsync($"Generated the admin password (shown once, also in admin-openrc): {password}");
                    }
                    await bootstrapper.RunAsync(new BootstrapOptions
                    {
                        Password = password,
                        AdminUrl = url + "/",
                        InternalUrl = url + "/",
                        PublicUrl = url + "/",
                        RegionId = "RegionOne",
                    }, cancellationToken);
                    var openrc = WriteOpenrc(settings.DataDirectory, password, url);
                    await output.WriteLineAsync($"Bootstrapped: admin credentials in {openrc}");
                }
            }
            return await ServeAsync(settings, host, port, output, cancellationToken);
        });
        return command;
    }

    public static Command Serve()
    {
        var command = new Command("serve", "Serve the APIs (no database sync, key setup or bootstrap)")
        {
            Host, IdentityPort, ImagePort, Service,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var service = parse.GetValue(Service);
            if (service is not ("all" or "identity"))
            {
                await error.WriteLineAsync($"ERROR: unknown service '{service}' (all, identity)");
                return 2;
            }
            var settings = ArchwayCli.LoadSettings(parse, error);
            var database = new IdentityDatabase(settings.Identity.Database);
            if (!BootstrapCommand.EnsureSchema(database, error))
            {
                return 1;
            }
            if (!new FernetKeyRepository(settings.Identity.FernetKeyRepository, settings.Identity.FernetMaxActiveKeys).Exists)
            {
                await error.WriteLineAsync($"ERROR: no Fernet keys in {settings.Identity.FernetKeyRepository}: run `archway fernet setup`");
                return 1;
            }
            return await ServeAsync(settings, parse.GetValue(Host)!, parse.GetValue(IdentityPort), parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ServeAsync(ArchwaySettings settings, string host, int port, TextWriter output, CancellationToken cancellationToken)
    {
        await using var app = ArchwayHost.BuildIdentity(settings, host, port);
        await app.StartAsync(cancellationToken);
        await output.WriteLineAsync($"Archway ready: Identity {ArchwayHost.IdentityUrl(host, port)} (data in {settings.DataDirectory})");
        await output.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    /// <summary>The install guide's admin-openrc, pointing at this Archway.</summary>
    private static string WriteOpenrc(string dataDirectory, string password, string url)
    {
        var path = Path.Combine(dataDirectory, "admin-openrc");
        var quoted = "'" + password.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var text = $"""
            export OS_PROJECT_DOMAIN_NAME=Default
            export OS_USER_DOMAIN_NAME=Default
            export OS_PROJECT_NAME=admin
            export OS_USERNAME=admin
            export OS_PASSWORD={quoted}
            export OS_AUTH_URL={url}
            export OS_IDENTITY_API_VERSION=3
            export OS_IMAGE_API_VERSION=2

            """;
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            // It holds the admin password.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return path;
    }
}
