using System.CommandLine;
using Archway.Identity.Schema;
using Archway.Image.Schema;

namespace Archway.Cli;

/// <summary>`archway db sync` and `archway db version` (keystone-manage db_sync / db_version).</summary>
internal static class DbCommands
{
    /// <summary>glance-manage's db_sync and db_version are `--service image` (its glance-api.conf from --image-config or --config).</summary>
    private static readonly Option<string> Service = new("--service") { Description = "Whose database: identity (keystone-manage) or image (glance-manage)", DefaultValueFactory = _ => "identity" };

    public static Command Build()
    {
        var db = new Command("db", "Database schema management");
        var sync = new Command("sync", "Create or upgrade the database schema to the latest version (idempotent)") { Service };
        sync.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(Service) == "image")
            {
                var image = ArchwayCli.LoadImageSettings(parse, parse.InvocationConfiguration.Error, configIsGlance: true);
                var imageDatabase = new ImageDatabase(image.Options.Database);
                imageDatabase.Database.Migrate();
                output.WriteLine($"image database {image.Options.Database.Display} at version {imageDatabase.Database.Version().Applied}");
                return Task.FromResult(0);
            }
            var settings = ArchwayCli.LoadSettings(parse, parse.InvocationConfiguration.Error);
            var database = new IdentityDatabase(settings.Identity.Database);
            database.Database.Migrate();
            var (applied, _) = database.Database.Version();
            output.WriteLine($"identity database {settings.Identity.Database.Display} at version {applied}");
            return Task.FromResult(0);
        });
        var version = new Command("version", "Print the database schema version") { Service };
        version.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(Service) == "image")
            {
                var image = ArchwayCli.LoadImageSettings(parse, parse.InvocationConfiguration.Error, configIsGlance: true);
                var (imageApplied, imageLatest) = new ImageDatabase(image.Options.Database).Database.Version();
                output.WriteLine(imageApplied == imageLatest
                    ? $"image {imageApplied}"
                    : $"image {imageApplied} (latest {imageLatest}: run `archway db sync --service image`)");
                return Task.FromResult(0);
            }
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
