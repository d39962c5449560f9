using System.CommandLine;
using System.Security.Cryptography;
using Archway.Hosting;
using Archway.Identity.Credentials;
using Archway.Identity.Schema;

namespace Archway.Cli;

/// <summary>
/// `archway credential setup|rotate|migrate`: keystone-manage credential_setup, credential_rotate (refused while a
/// credential still needs a secondary key, as Keystone does) and credential_migrate.
/// </summary>
internal static class CredentialCommands
{
    public static Command Build()
    {
        var command = KeyCommands.Build("credential", "Credential encryption key repository ([credential] key_repository)",
            s => (s.Identity.CredentialKeyRepository, s.Identity.CredentialMaxActiveKeys), MayRotateAsync);
        var migrate = new Command("migrate", "Re-encrypt every credential with the current primary key, so that the next rotate may drop older keys");
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var settings = ArchwayCli.LoadSettings(parse, parse.InvocationConfiguration.Error);
            using var logging = CommandLogging.Create();
            var cipher = new CredentialCipher(settings.Identity, TimeProvider.System, logging.CreateLogger<CredentialCipher>());
            try
            {
                var migrated = await CredentialMigration.MigrateAsync(new IdentityDatabase(settings.Identity.Database), cipher, cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine($"credentials re-encrypted with the primary key: {migrated}");
                return 0;
            }
            catch (CryptographicException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"{e.Message}; nothing was changed");
                return 1;
            }
        });
        command.Subcommands.Add(migrate);
        return command;
    }

    private static async Task<bool> MayRotateAsync(ArchwaySettings settings, TextWriter error, CancellationToken cancellationToken)
    {
        using var logging = CommandLogging.Create();
        var cipher = new CredentialCipher(settings.Identity, TimeProvider.System, logging.CreateLogger<CredentialCipher>());
        if (await CredentialMigration.CountNotOnPrimaryAsync(new IdentityDatabase(settings.Identity.Database), cipher, cancellationToken) == 0)
        {
            return true;
        }
        await error.WriteLineAsync(CredentialMigration.RotateRefused);
        return false;
    }
}
