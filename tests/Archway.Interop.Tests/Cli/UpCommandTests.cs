using System.Net;
using System.Text.RegularExpressions;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Cli;

/// <summary>`archway up` without a bootstrap password, and again on the same directory after a SIGTERM.</summary>
public sealed partial class UpCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string GeneratedMarker = "Generated the admin password";

    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Up_without_a_password_generates_one_once_and_a_restart_keeps_it_and_its_tokens()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        await using var server = await ArchwayServer.StartAsync(password: null);

        // First start: the password is shown once, and it is the one that works.
        var announcements = Lines(server.Process.StandardOutput).Where(line => line.Contains(GeneratedMarker, StringComparison.Ordinal)).ToList();
        var announcement = Assert.Single(announcements);
        var match = GeneratedPassword().Match(announcement);
        Assert.True(match.Success, $"no password at the end of '{announcement}'");
        var password = match.Groups[1].Value;
        var openrcText = await File.ReadAllTextAsync(server.OpenrcPath);
        var environment = new Dictionary<string, string>(server.Openrc()) { ["OS_PASSWORD"] = password };
        var token = await IssuedToken.IssueAsync(_openstack, environment);

        var stopped = await server.StopAsync();
        Assert.True(stopped == 0, $"SIGTERM must stop archway cleanly (exit 0):\n{server.Process.Describe()}");
        await server.RestartAsync();

        // Second start: already bootstrapped, so no new password, and everything from before still holds.
        Assert.DoesNotContain(GeneratedMarker, server.Process.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(openrcText, await File.ReadAllTextAsync(server.OpenrcPath));
        using var api = new IdentityApi(server.AuthUrl);
        var validation = await api.ValidateTokenAsync(token.Id, token.Id);
        Assert.True(validation.Status == HttpStatusCode.OK, "a token issued before the restart must validate after it: " + validation.Describe());
        Assert.Equal(token.UserId, validation.Json.GetProperty("token").GetProperty("user").GetProperty("id").GetString());
        var again = await IssuedToken.IssueAsync(_openstack, server.Openrc());
        Assert.Equal(token.UserId, again.UserId);
        Assert.Equal(token.ProjectId, again.ProjectId);
    }

    public void Dispose() => _openstack.Dispose();

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(line => line.TrimEnd('\r'));

    /// <summary>The password is the last word of the announcement.</summary>
    [GeneratedRegex(@"(\S+)\s*$")]
    private static partial Regex GeneratedPassword();
}
