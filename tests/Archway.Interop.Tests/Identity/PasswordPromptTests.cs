using System.Net;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>
/// The install guide's check (작동 확인): `unset OS_AUTH_URL OS_PASSWORD`, then
/// `openstack --os-auth-url ... --os-project-domain-name Default --os-user-domain-name Default --os-project-name admin
/// --os-username admin token issue`, which prompts for the password on the terminal.
/// </summary>
[Collection(SharedArchwayCollection.Name)]
public sealed class PasswordPromptTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Guide_check_prompts_for_the_password_and_issues_a_token()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var result = await _openstack.RunWithPasswordPromptAsync(GuideEnvironment(), ArchwayServerFixture.AdminPassword, GuideArguments());

        result.AssertSucceeded();
        Assert.Contains("Password:", result.StandardOutput, StringComparison.Ordinal);
        var rows = CliTable.Rows(result.StandardOutput);
        Assert.Equal(["Field", "expires", "id", "project_id", "user_id"], rows.Keys.Order(StringComparer.Ordinal));
        using var api = new IdentityApi(_server.AuthUrl);
        var validation = await api.ValidateTokenAsync(rows["id"], rows["id"]);
        Assert.True(validation.Status == HttpStatusCode.OK, validation.Describe());
        Assert.Equal(rows["user_id"], validation.Json.GetProperty("token").GetProperty("user").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Guide_check_with_a_wrong_password_at_the_prompt_is_refused_with_401()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var result = await _openstack.RunWithPasswordPromptAsync(GuideEnvironment(), "not the admin password", GuideArguments());

        Assert.False(result.TimedOut, result.Describe());
        Assert.NotEqual(0, result.ExitCode);
        // 125 would mean the CLI never prompted: the refusal must come from the server, after the prompt.
        Assert.NotEqual(125, result.ExitCode);
        Assert.Contains("HTTP 401", result.AllOutput, StringComparison.Ordinal);
        Assert.Contains("The request you have made requires authentication", result.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("gAAAAA", result.AllOutput, StringComparison.Ordinal);
    }

    /// <summary>admin-openrc after `unset OS_AUTH_URL OS_PASSWORD`.</summary>
    private Dictionary<string, string> GuideEnvironment()
    {
        var environment = new Dictionary<string, string>(_server.Openrc());
        Assert.True(environment.Remove("OS_AUTH_URL"), "admin-openrc has no OS_AUTH_URL");
        Assert.True(environment.Remove("OS_PASSWORD"), "admin-openrc has no OS_PASSWORD");
        return environment;
    }

    private string[] GuideArguments() =>
    [
        "--os-auth-url", _server.AuthUrl, "--os-project-domain-name", "Default", "--os-user-domain-name", "Default",
        "--os-project-name", "admin", "--os-username", "admin", "token", "issue",
    ];

    public void Dispose() => _openstack.Dispose();
}
