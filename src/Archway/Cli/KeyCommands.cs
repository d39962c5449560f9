using System.CommandLine;
using Archway.Hosting;
using Archway.Identity.Tokens;

namespace Archway.Cli;

/// <summary>
/// `archway fernet setup|rotate` and `archway credential setup|rotate`: keystone-manage fernet_setup, fernet_rotate,
/// credential_setup and credential_rotate, on repositories laid out exactly as Keystone's.
/// </summary>
internal static class KeyCommands
{
    private static readonly Option<string?> KeystoneUser = new("--keystone-user") { Description = "Owner of the key files (as keystone-manage)" };
    private static readonly Option<string?> KeystoneGroup = new("--keystone-group") { Description = "Group of the key files (as keystone-manage)" };

    /// <summary>The command <paramref name="name"/> with setup and rotate on the repository <paramref name="repository"/> names.</summary>
    /// <param name="name">fernet or credential.</param>
    /// <param name="description">The command's help.</param>
    /// <param name="repository">The key repository and max_active_keys, from the settings.</param>
    /// <param name="mayRotate">Asked before a rotation; false refuses it (it has written why).</param>
    public static Command Build(string name, string description, Func<ArchwaySettings, (string Directory, int MaxActiveKeys)> repository,
        Func<ArchwaySettings, TextWriter, CancellationToken, Task<bool>>? mayRotate = null)
    {
        var command = new Command(name, description);
        foreach (var (verb, help) in new[] { ("setup", "Create the key repository with a staged and a primary key (no change if it exists)"), ("rotate", "Rotate keys: the staged key becomes primary, a new staged key is made, the oldest beyond max_active_keys are removed") })
        {
            var sub = new Command(verb, help) { KeystoneUser, KeystoneGroup };
            sub.SetAction(async (parse, cancellationToken) =>
            {
                var settings = ArchwayCli.LoadSettings(parse, parse.InvocationConfiguration.Error);
                var (directory, maxActiveKeys) = repository(settings);
                var uid = SystemAccounts.UserId(parse.GetValue(KeystoneUser));
                var gid = SystemAccounts.GroupId(parse.GetValue(KeystoneGroup));
                var keys = new FernetKeyRepository(directory, maxActiveKeys);
                if (verb == "setup")
                {
                    keys.Setup(uid, gid);
                }
                else
                {
                    if (!keys.Exists)
                    {
                        parse.InvocationConfiguration.Error.WriteLine($"{directory} has no keys: run `archway {name} setup` first");
                        return 1;
                    }
                    if (mayRotate is not null && !await mayRotate(settings, parse.InvocationConfiguration.Error, cancellationToken))
                    {
                        return 1;
                    }
                    keys.Rotate(uid, gid);
                }
                parse.InvocationConfiguration.Output.WriteLine($"{name} keys in {directory}: {keys.LoadKeys().Count} active");
                return 0;
            });
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
