using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>
/// `openstack user list --group` (GET /v3/groups/{id}/users) for a domain-scoped reader, with the real CLI: a group
/// may hold users of another domain, and a domain-scoped caller sees only its own domain's members, as in Keystone.
/// </summary>
public sealed class GroupMembersCommandTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IClassFixture<ArchwayServerFixture>, IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task A_domain_reader_lists_only_its_domains_members_of_a_group()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        await RunAsync("domain", "create", "otherdomain");
        await RunAsync("user", "create", "--domain", "default", "localmember");
        await RunAsync("user", "create", "--domain", "otherdomain", "foreignmember");
        await RunAsync("group", "create", "--domain", "default", "mixed");
        await RunAsync("group", "add", "user", "--group-domain", "default", "--user-domain", "default", "mixed", "localmember");
        await RunAsync("group", "add", "user", "--group-domain", "default", "--user-domain", "otherdomain", "mixed", "foreignmember");
        await RunAsync("user", "create", "--domain", "default", "--password", "READER_PASS", "domainreader");
        await RunAsync("role", "add", "--domain", "default", "--user", "domainreader", "--user-domain", "default", "reader");

        var asAdmin = await RunAsync("user", "list", "--group", "mixed", "-f", "value", "-c", "Name");
        Assert.Equal(["foreignmember", "localmember"], Names(asAdmin));

        var reader = new Dictionary<string, string>(_server.Openrc())
        {
            ["OS_USERNAME"] = "domainreader",
            ["OS_PASSWORD"] = "READER_PASS",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_DOMAIN_NAME"] = "Default",
        };
        reader.Remove("OS_PROJECT_NAME");
        reader.Remove("OS_PROJECT_DOMAIN_NAME");
        var asReader = (await _openstack.RunAsync(reader, "user", "list", "--group", "mixed", "-f", "value", "-c", "Name")).AssertSucceeded();
        Assert.Equal(["localmember"], Names(asReader));
    }

    private static string[] Names(CommandResult result) =>
        [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];

    private async Task<CommandResult> RunAsync(params string[] arguments) =>
        (await _openstack.RunAsync(_server.Openrc(), arguments)).AssertSucceeded();

    public void Dispose() => _openstack.Dispose();
}
