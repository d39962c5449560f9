using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Cli;

/// <summary>keystone-manage's counterparts: `archway db sync|version`, `archway fernet|credential setup|rotate`.</summary>
public sealed partial class ManagementCommandTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Db_version_prints_the_schema_version_after_db_sync()
    {
        using var directory = new TemporaryDirectory("db");
        var dataDir = Path.Combine(directory.Path, "data");

        Logged(await ArchwayBinary.RunAsync(["db", "sync", "--data-dir", dataDir])).AssertSucceeded();
        var version = Logged(await ArchwayBinary.RunAsync(["db", "version", "--data-dir", dataDir])).AssertSucceeded();
        Logged(await ArchwayBinary.RunAsync(["db", "sync", "--data-dir", dataDir])).AssertSucceeded("db sync must be idempotent");
        var again = Logged(await ArchwayBinary.RunAsync(["db", "version", "--data-dir", dataDir])).AssertSucceeded();

        var number = Number().Match(version.StandardOutput);
        Assert.True(number.Success, "`db version` printed no version number:\n" + version.Describe());
        Assert.True(long.Parse(number.Value, CultureInfo.InvariantCulture) > 0, "a synced schema has a version above 0:\n" + version.Describe());
        Assert.DoesNotContain("latest", version.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(version.StandardOutput, again.StandardOutput);
    }

    [Theory]
    [InlineData("fernet", "fernet-keys")]
    [InlineData("credential", "credential-keys")]
    public async Task Key_rotate_adds_the_next_key_file_readable_by_the_owner_only(string repository, string folder)
    {
        using var directory = new TemporaryDirectory(repository);
        var dataDir = Path.Combine(directory.Path, "data");
        var keys = Path.Combine(dataDir, folder);

        Logged(await ArchwayBinary.RunAsync([repository, "setup", "--data-dir", dataDir])).AssertSucceeded();
        var afterSetup = KeyFiles(keys);
        Logged(await ArchwayBinary.RunAsync([repository, "rotate", "--data-dir", dataDir])).AssertSucceeded();
        var afterRotate = KeyFiles(keys);

        // keystone-manage's layout: 0 is the staged key, the highest number the primary.
        Assert.Equal(Enumerable.Range(0, afterSetup.Count), afterSetup.Keys);
        Assert.True(afterSetup.Count >= 2, $"setup makes a staged and a primary key, found {afterSetup.Count}");
        Assert.Equal(Enumerable.Range(0, afterSetup.Count + 1), afterRotate.Keys);
        Assert.All(afterRotate, key => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(key.Value.Path)));
        // The staged key became the new primary; a new staged key took its place.
        Assert.Equal(afterSetup[0].Content, afterRotate[afterSetup.Count].Content);
        Assert.NotEqual(afterSetup[0].Content, afterRotate[0].Content);
    }

    [Fact]
    public async Task Fernet_rotate_on_a_running_server_keeps_older_tokens_valid_and_signs_new_ones_with_the_new_primary()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        await using var server = await ArchwayServer.StartAsync(ArchwayServerFixture.AdminPassword);
        var keys = Path.Combine(server.DataDirectory, "fernet-keys");
        var openrc = server.Openrc();
        var before = await IssuedToken.IssueAsync(_openstack, openrc);
        var keysBefore = KeyFiles(keys);
        Assert.Equal(Enumerable.Range(0, keysBefore.Count), keysBefore.Keys);
        Assert.True(FernetToken.IsSignedBy(before.Id, keysBefore[keysBefore.Count - 1].Path), "tokens are signed with the primary (highest) key");

        Logged(await server.ManageAsync("fernet", "rotate")).AssertSucceeded();

        var keysAfter = KeyFiles(keys);
        Assert.Equal(Enumerable.Range(0, keysBefore.Count + 1), keysAfter.Keys);
        Assert.All(keysAfter, key => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(key.Value.Path)));
        using var api = new IdentityApi(server.AuthUrl);
        var validation = await api.ValidateTokenAsync(before.Id, before.Id);
        Assert.True(validation.Status == HttpStatusCode.OK, "a token issued before `fernet rotate` must still validate: " + validation.Describe());
        // Keystone reads the repository on every token operation, so the running server signs with the new primary.
        var after = await IssuedToken.IssueAsync(_openstack, openrc);
        var primary = keysAfter[keysAfter.Count - 1].Path;
        Assert.True(FernetToken.IsSignedBy(after.Id, primary), $"a token issued after `fernet rotate` must be signed with the new primary key {primary}");
        Assert.Equal(HttpStatusCode.OK, (await api.ValidateTokenAsync(after.Id, before.Id)).Status);
    }

    public void Dispose() => _openstack.Dispose();

    private CommandResult Logged(CommandResult result)
    {
        output.WriteLine(result.Describe());
        return result;
    }

    /// <summary>The repository's key files by number; fails the test on any other file name.</summary>
    private static SortedDictionary<int, KeyFile> KeyFiles(string directory)
    {
        Assert.True(Directory.Exists(directory), $"{directory} does not exist");
        var files = new SortedDictionary<int, KeyFile>();
        foreach (var path in Directory.GetFiles(directory))
        {
            var name = Path.GetFileName(path);
            Assert.True(int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number), $"{path}: key files are named by number");
            files[number] = new KeyFile(path, File.ReadAllText(path));
        }
        return files;
    }

    private sealed record KeyFile(string Path, string Content);

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
