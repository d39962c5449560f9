using System.CommandLine;
using Archway.Identity.Bootstrap;
using Archway.Identity.Schema;

namespace Archway.Cli;

/// <summary>`archway bootstrap`: keystone-manage bootstrap with its flags.</summary>
internal static class BootstrapCommand
{
    public static readonly Option<string?> Password = new("--bootstrap-password") { Description = "The bootstrap user's password (env ARCHWAY_BOOTSTRAP_PASSWORD or OS_BOOTSTRAP_PASSWORD)" };
    private static readonly Option<string> Username = new("--bootstrap-username") { Description = "The bootstrap user's name", DefaultValueFactory = _ => "admin" };
    private static readonly Option<string> ProjectName = new("--bootstrap-project-name") { Description = "The bootstrap project's name", DefaultValueFactory = _ => "admin" };
    private static readonly Option<string> RoleName = new("--bootstrap-role-name") { Description = "The bootstrap role's name", DefaultValueFactory = _ => "admin" };
    private static readonly Option<string> ServiceName = new("--bootstrap-service-name") { Description = "The identity service's name in the catalog", DefaultValueFactory = _ => "keystone" };
    private static readonly Option<string?> AdminUrl = new("--bootstrap-admin-url") { Description = "The identity admin endpoint URL" };
    private static readonly Option<string?> PublicUrl = new("--bootstrap-public-url") { Description = "The identity public endpoint URL" };
    private static readonly Option<string?> InternalUrl = new("--bootstrap-internal-url") { Description = "The identity internal endpoint URL" };
    private static readonly Option<string?> RegionId = new("--bootstrap-region-id") { Description = "The region of the identity endpoints" };
    private static readonly Option<bool> ImmutableRoles = new("--immutable-roles") { Description = "Make admin, member and reader immutable (the default)" };
    private static readonly Option<bool> NoImmutableRoles = new("--no-immutable-roles") { Description = "Create the default roles mutable" };

    public static Command Build()
    {
        var command = new Command("bootstrap", "Create the Default domain, admin project, user and roles, and the identity endpoints (idempotent)")
        {
            Password, Username, ProjectName, RoleName, ServiceName, AdminUrl, PublicUrl, InternalUrl, RegionId, ImmutableRoles, NoImmutableRoles,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var password = PasswordFrom(parse);
            if (password is null)
            {
                await error.WriteLineAsync("ERROR: Either --bootstrap-password argument or OS_BOOTSTRAP_PASSWORD must be set.");
                return 1;
            }
            var settings = ArchwayCli.LoadSettings(parse, error);
            var database = new IdentityDatabase(settings.Identity.Database);
            if (!EnsureSchema(database, error))
            {
                return 1;
            }
            using var logging = CommandLogging.Create();
            var bootstrapper = new Bootstrapper(database, settings.Identity, TimeProvider.System, logging.CreateLogger<Bootstrapper>());
            await bootstrapper.RunAsync(new BootstrapOptions
            {
                Password = password,
                Username = parse.GetValue(Username)!,
                ProjectName = parse.GetValue(ProjectName)!,
                RoleName = parse.GetValue(RoleName)!,
                ServiceName = parse.GetValue(ServiceName)!,
                AdminUrl = parse.GetValue(AdminUrl),
                PublicUrl = parse.GetValue(PublicUrl),
                InternalUrl = parse.GetValue(InternalUrl),
                RegionId = parse.GetValue(RegionId),
                ImmutableRoles = !parse.GetValue(NoImmutableRoles),
            }, cancellationToken);
            return 0;
        });
        return command;
    }

    public static string? PasswordFrom(ParseResult parse) =>
        parse.GetValue(Password)
        ?? NonEmpty(Environment.GetEnvironmentVariable("ARCHWAY_BOOTSTRAP_PASSWORD"))
        ?? NonEmpty(Environment.GetEnvironmentVariable("OS_BOOTSTRAP_PASSWORD"));

    /// <summary>Commands other than `db sync` need the schema current, as Keystone's do.</summary>
    public static bool EnsureSchema(IdentityDatabase database, TextWriter error)
    {
        var (applied, latest) = database.Database.Version();
        if (applied == latest)
        {
            return true;
        }
        error.WriteLine($"ERROR: the identity database {database.Database.Url.Display} is at schema version {applied}, this build needs {latest}: run `archway db sync`");
        return false;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
