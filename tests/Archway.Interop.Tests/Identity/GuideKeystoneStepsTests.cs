using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>
/// Every Keystone command of the install guide ("도메인, 프로젝트, 사용자 및 역할 생성" and "작동 확인"), verbatim,
/// through the real `openstack` CLI against a fresh `archway up`; then list, show, update and delete of each kind.
/// </summary>
public sealed class GuideKeystoneStepsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminPassword = "ADMIN_PASS";
    private const string DemoPassword = "DEMO_PASS";

    private readonly OpenStackCli _openstack = new(output.WriteLine);
    private ArchwayServer _server = null!;

    public async Task InitializeAsync() => _server = await ArchwayServer.StartAsync(AdminPassword);

    public async Task DisposeAsync()
    {
        _openstack.Dispose();
        await _server.DisposeAsync();
    }

    private Task<CommandResult> AdminAsync(params string[] arguments) => _openstack.RunAsync(_server.Openrc(), arguments);

    [Fact]
    public async Task The_guides_keystone_steps_pass_verbatim()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var domain = CliTable.Rows((await AdminAsync("domain", "create", "--description", "An Example Domain", "example")).AssertSucceeded().StandardOutput);
        Assert.Equal("An Example Domain", domain["description"]);
        Assert.Equal("True", domain["enabled"]);
        Assert.Equal("example", domain["name"]);
        Assert.Matches("^[0-9a-f]{32}$", domain["id"]);

        var service = CliTable.Rows((await AdminAsync("project", "create", "--domain", "default", "--description", "Service Project", "service")).AssertSucceeded().StandardOutput);
        Assert.Equal(("Service Project", "default", "service", "default", "False", "True"),
            (service["description"], service["domain_id"], service["name"], service["parent_id"], service["is_domain"], service["enabled"]));

        var project = CliTable.Rows((await AdminAsync("project", "create", "--domain", "default", "--description", "Demo Project", "myproject")).AssertSucceeded().StandardOutput);
        Assert.Equal("myproject", project["name"]);

        var user = await _openstack.RunWithPromptsAsync(_server.Openrc(), DemoPassword, 2, "user", "create", "--domain", "default", "--password-prompt", "myuser");
        user.AssertSucceeded();
        Assert.Contains("User Password:", user.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Repeat User Password:", user.StandardOutput, StringComparison.Ordinal);
        var userRows = CliTable.Rows(user.StandardOutput[user.StandardOutput.IndexOf('+', StringComparison.Ordinal)..]);
        Assert.Equal(("default", "True", "myuser", "None"), (userRows["domain_id"], userRows["enabled"], userRows["name"], userRows["password_expires_at"]));

        var role = CliTable.Rows((await AdminAsync("role", "create", "myrole")).AssertSucceeded().StandardOutput);
        Assert.Equal(("myrole", "None"), (role["name"], role["domain_id"]));

        var add = (await AdminAsync("role", "add", "--project", "myproject", "--user", "myuser", "myrole")).AssertSucceeded();
        Assert.Equal("", add.StandardOutput.Trim());

        // 작동 확인: unset OS_AUTH_URL OS_PASSWORD, then token issue with the explicit options, answering the prompt.
        var guide = new Dictionary<string, string>(_server.Openrc());
        guide.Remove("OS_AUTH_URL");
        guide.Remove("OS_PASSWORD");
        string[] Explicit(string projectName, string userName) =>
        [
            "--os-auth-url", _server.AuthUrl, "--os-project-domain-name", "Default", "--os-user-domain-name", "Default",
            "--os-project-name", projectName, "--os-username", userName, "token", "issue",
        ];
        var adminToken = CliTable.Rows(TableOf((await _openstack.RunWithPasswordPromptAsync(guide, AdminPassword, Explicit("admin", "admin"))).AssertSucceeded().StandardOutput));
        Assert.StartsWith("gAAAAA", adminToken["id"], StringComparison.Ordinal);
        var myuserToken = CliTable.Rows(TableOf((await _openstack.RunWithPasswordPromptAsync(guide, DemoPassword, Explicit("myproject", "myuser"))).AssertSucceeded().StandardOutput));
        Assert.Equal(project["id"], myuserToken["project_id"]);
        Assert.Equal(userRows["id"], myuserToken["user_id"]);

        // demo-openrc, as the guide writes it.
        var demo = new Dictionary<string, string>
        {
            ["OS_PROJECT_DOMAIN_NAME"] = "Default",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PROJECT_NAME"] = "myproject",
            ["OS_USERNAME"] = "myuser",
            ["OS_PASSWORD"] = DemoPassword,
            ["OS_AUTH_URL"] = _server.AuthUrl,
            ["OS_IDENTITY_API_VERSION"] = "3",
            ["OS_IMAGE_API_VERSION"] = "2",
        };
        var demoToken = CliTable.Rows((await _openstack.RunAsync(demo, "token", "issue")).AssertSucceeded().StandardOutput);
        Assert.Equal(project["id"], demoToken["project_id"]);
    }

    [Fact]
    public async Task Each_kind_of_resource_lists_shows_updates_and_deletes_through_the_cli()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        (await AdminAsync("domain", "create", "dom1")).AssertSucceeded();
        Assert.Contains("dom1", (await AdminAsync("domain", "list")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);
        (await AdminAsync("domain", "set", "--description", "changed", "dom1")).AssertSucceeded();
        Assert.Equal("changed", CliTable.Rows((await AdminAsync("domain", "show", "dom1")).AssertSucceeded().StandardOutput)["description"]);
        var refused = await AdminAsync("domain", "delete", "dom1");
        Assert.NotEqual(0, refused.ExitCode);
        (await AdminAsync("domain", "set", "--disable", "dom1")).AssertSucceeded();
        (await AdminAsync("domain", "delete", "dom1")).AssertSucceeded();
        Assert.DoesNotContain("dom1", (await AdminAsync("domain", "list")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        (await AdminAsync("project", "create", "--domain", "default", "proj1")).AssertSucceeded();
        (await AdminAsync("project", "set", "--description", "pd", "--disable", "proj1")).AssertSucceeded();
        var shown = CliTable.Rows((await AdminAsync("project", "show", "proj1")).AssertSucceeded().StandardOutput);
        Assert.Equal(("pd", "False"), (shown["description"], shown["enabled"]));
        Assert.Contains("proj1", (await AdminAsync("project", "list", "--domain", "default")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        (await AdminAsync("user", "create", "--domain", "default", "--password", "Pw-12345", "--email", "u1@example.org", "user1")).AssertSucceeded();
        (await AdminAsync("user", "set", "--description", "first user", "user1")).AssertSucceeded();
        var userShown = CliTable.Rows((await AdminAsync("user", "show", "user1")).AssertSucceeded().StandardOutput);
        Assert.Equal(("u1@example.org", "first user"), (userShown["email"], userShown["description"]));

        (await AdminAsync("group", "create", "group1")).AssertSucceeded();
        (await AdminAsync("group", "add", "user", "group1", "user1")).AssertSucceeded();
        Assert.Contains("user1", (await AdminAsync("user", "list", "--group", "group1")).AssertSucceeded().StandardOutput, StringComparison.Ordinal);

        (await AdminAsync("role", "create", "role1")).AssertSucceeded();
        (await AdminAsync("role", "set", "--name", "role2", "role1")).AssertSucceeded();
        (await AdminAsync("project", "set", "--enable", "proj1")).AssertSucceeded();
        (await AdminAsync("role", "add", "--project", "proj1", "--group", "group1", "role2")).AssertSucceeded();
        var assignments = (await AdminAsync("role", "assignment", "list", "--names", "--effective", "--user", "user1")).AssertSucceeded().StandardOutput;
        Assert.Contains("role2", assignments, StringComparison.Ordinal);
        Assert.Contains("proj1@Default", assignments, StringComparison.Ordinal);
        (await AdminAsync("role", "remove", "--project", "proj1", "--group", "group1", "role2")).AssertSucceeded();
        (await AdminAsync("group", "remove", "user", "group1", "user1")).AssertSucceeded();

        foreach (var (kind, name) in new[] { ("role", "role2"), ("group", "group1"), ("user", "user1"), ("project", "proj1") })
        {
            (await AdminAsync(kind, "delete", name)).AssertSucceeded();
            var gone = await AdminAsync(kind, "show", name);
            Assert.NotEqual(0, gone.ExitCode);
        }
    }

    /// <summary>The table part of output that began with a prompt line.</summary>
    private static string TableOf(string output) => output[output.IndexOf('+', StringComparison.Ordinal)..];
}
