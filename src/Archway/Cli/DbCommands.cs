using System.CommandLine;
using Archway.Identity.Schema;

namespace Archway.Cli;

/// <summary>`archway db sync` and `archway db version` (keystone-manage db_sync / db_version).</summary>
internal static class DbCommands
{
    public static Command Build()
    {
        var db = new Command("db", "Database schema management");
        var sync = new Command("sync", "Create or upgrade the database schema to the latest version (idempotent)");
        sync.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var settings = ArchwayCli.LoadSettings(parse, parse.InvocationConfiguration.Error);
            var database = new IdentityDatabase(settings.Identity.Database);
            database.Database.Migrate();
            var (applied, _) = database.Database.Version();
            output.WriteLine($"identity database {settings.Identity.Database.Display} at version {applied}");
            return Task.FromResult(0);
        });
        var version = new Command("version", "Print the database schema version");
        version.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var settings = ArchwayCli.LoadSettings(parse, parse.InvocationConfiguration.Error);
            var (applied, latest) = new IdentityDatabase(settings.Identity.Database).Database.Version();
            output.WriteLine(applied == latest
                ? $"identity {applied}"
                : $"identity {applied} (latest {latest}: run `archway db sync`)");
            return Task.FromResult(0);
        });
        db.Subcommands.Add(sync);
        db.Subcommands.Add(version);
        return db;
    }
}
