using System.CommandLine;
using System.Security.Cryptography;
using Archway.Hosting;
using Archway.Identity.Bootstrap;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Image.Schema;

namespace Archway.Cli;

/// <summary>`archway up` (prepare everything, then serve) and `archway serve` (serve only).</summary>
internal static class ServeCommands
{
    private static readonly Option<string> Host = new("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> IdentityPort = new("--identity-port") { Description = "Identity API port", DefaultValueFactory = _ => 5000 };
    private static readonly Option<int> ImagePort = new("--image-port") { Description = "Image API port", DefaultValueFactory = _ => 9292 };
    private static readonly Option<string> Service = new("--service") { Description = "Which service to serve: all, identity or image (image alone reads --config as its glance-api.conf)", DefaultValueFactory = _ => "all" };

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
            var image = ArchwayCli.LoadImageSettings(parse, error);
            new ImageDatabase(image.Options.Database).Database.Migrate();
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
            return await ServeAsync(settings, image, host, port, parse.GetValue(ImagePort), output, cancellationToken);
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
            if (service is not ("all" or "identity" or "image"))
            {
                await error.WriteLineAsync($"ERROR: unknown service '{service}' (all, identity, image)");
                return 2;
            }
            var output = parse.InvocationConfiguration.Output;
            var host = parse.GetValue(Host)!;
            ImageSettings? image = null;
            if (service is "all" or "image")
            {
                image = ArchwayCli.LoadImageSettings(parse, error, configIsGlance: service == "image");
                if (!EnsureImageSchema(image, error))
                {
                    return 1;
                }
            }
            if (service == "image")
            {
                return await ServeImageAsync(image!, host, parse.GetValue(ImagePort), output, cancellationToken);
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
            return await ServeAsync(settings, image, host, parse.GetValue(IdentityPort), parse.GetValue(ImagePort), output, cancellationToken);
        });
        return command;
    }

    /// <summary>Identity, and Image beside it when <paramref name="image"/> is given (tokens checked in process).</summary>
    private static async Task<int> ServeAsync(ArchwaySettings settings, ImageSettings? image, string host, int port, int imagePort, TextWriter output, CancellationToken cancellationToken)
    {
        await using var app = ArchwayHost.BuildIdentity(settings, host, port);
        await app.StartAsync(cancellationToken);
        if (image is null)
        {
            ReleaseStartupMemory();
            await output.WriteLineAsync($"Archway ready: Identity {ArchwayHost.IdentityUrl(host, port)} (data in {settings.DataDirectory})");
            await output.FlushAsync(cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        }
        var identityUrl = ArchwayHost.IdentityUrl(host, port);
        await using var imageApp = ImageHost.BuildImage(image, host, imagePort, (app.Services, identityUrl[..^"/v3".Length]));
        await imageApp.StartAsync(cancellationToken);
        ReleaseStartupMemory();
        await output.WriteLineAsync($"Archway ready: Identity {identityUrl}, Image {ImageHost.ImageUrl(host, imagePort)} (data in {settings.DataDirectory})");
        await output.FlushAsync(cancellationToken);
        // Both hosts stop on SIGTERM or Ctrl-C; either stopping stops the other.
        await Task.WhenAny(app.WaitForShutdownAsync(cancellationToken), imageApp.WaitForShutdownAsync(cancellationToken));
        await Task.WhenAll(imageApp.StopAsync(CancellationToken.None), app.StopAsync(CancellationToken.None));
        return 0;
    }

    /// <summary>
    /// Start-up (configuration, migrations, dependency injection) leaves garbage the next collection would only find
    /// under load; one compacting collection now returns it to the system, about 5 MiB of an idle process's ~120.
    /// </summary>
    private static void ReleaseStartupMemory() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Image alone (a split deployment): tokens are checked with Identity over HTTP per [keystone_authtoken].</summary>
    private static async Task<int> ServeImageAsync(ImageSettings image, string host, int port, TextWriter output, CancellationToken cancellationToken)
    {
        await using var app = ImageHost.BuildImage(image, host, port, identity: null);
        await app.StartAsync(cancellationToken);
        // With a glance-api.conf its [database] and [glance_store] say where the data is, not the data directory.
        var where = image.ConfigPath is null ? $"data in {image.DataDirectory}" : $"configured by {Path.GetFullPath(image.ConfigPath)}";
        ReleaseStartupMemory();
        await output.WriteLineAsync($"Archway ready: Image {ImageHost.ImageUrl(host, port)} ({where})");
        await output.FlushAsync(cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    public static bool EnsureImageSchema(ImageSettings image, TextWriter error)
    {
        var (applied, latest) = new ImageDatabase(image.Options.Database).Database.Version();
        if (applied == latest)
        {
            return true;
        }
        error.WriteLine($"ERROR: the image database {image.Options.Database.Display} is at schema version {applied}, this build needs {latest}: run `archway db sync --service image`");
        return false;
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
