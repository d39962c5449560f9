using System.Security.Cryptography;
using System.Text;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>`openstack credential create|list|show|delete` through the real CLI, on a server of its own.</summary>
public sealed class CredentialCommandTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IClassFixture<ArchwayServerFixture>, IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task An_ec2_credential_is_created_listed_shown_and_deleted()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        const string Blob = """{"access": "AKIA-archway", "secret": "s3cr3t"}""";
        var token = await IssuedToken.IssueAsync(_openstack, _server.Openrc());

        var created = CliTable.Rows((await RunAsync("credential", "create", "--type", "ec2", "--project", "admin", "admin", Blob)).StandardOutput);

        // CliTable.Rows keeps the "Field | Value" header as a row.
        Assert.Equal(["blob", "id", "project_id", "type", "user_id"], created.Keys.Where(k => k != "Field").Order(StringComparer.Ordinal));
        Assert.Equal(Blob, created["blob"]);
        // Keystone names an ec2 credential by the SHA-256 of its access key.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("AKIA-archway"))), created["id"]);
        Assert.Equal(token.ProjectId, created["project_id"]);
        Assert.Equal("ec2", created["type"]);
        Assert.Equal(token.UserId, created["user_id"]);

        var listed = Assert.Single(CliTable.List((await RunAsync("credential", "list", "--type", "ec2")).StandardOutput));
        Assert.Equal(created["id"], listed["ID"]);
        Assert.Equal(Blob, listed["Data"]);
        Assert.Equal(token.UserId, listed["User ID"]);
        Assert.Equal(created, CliTable.Rows((await RunAsync("credential", "show", created["id"])).StandardOutput));

        var again = await _openstack.RunAsync(_server.Openrc(), "credential", "create", "--type", "ec2", "--project", "admin", "admin", Blob);
        Assert.False(again.Succeeded, again.Describe());
        Assert.Contains("HTTP 409", again.AllOutput, StringComparison.Ordinal);

        Assert.Equal("", (await RunAsync("credential", "delete", created["id"])).StandardOutput.Trim());
        Assert.DoesNotContain(CliTable.List((await RunAsync("credential", "list")).StandardOutput), row => row["ID"] == created["id"]);
        var shown = await _openstack.RunAsync(_server.Openrc(), "credential", "show", created["id"]);
        Assert.False(shown.Succeeded, shown.Describe());
    }

    [Fact]
    public async Task Only_the_blob_of_a_credential_can_be_set_as_in_keystone_22()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        var created = CliTable.Rows((await RunAsync("credential", "create", "--type", "totp", "admin", "GEZDGNBVGY3TQOJQ")).StandardOutput);

        // The CLI sends user_id and type with the blob; Keystone 22's update schema allows the blob alone.
        var set = await _openstack.RunAsync(_server.Openrc(), "credential", "set", "--user", "admin", "--type", "totp", "--data", "NEWSEED", created["id"]);

        Assert.False(set.Succeeded, set.Describe());
        Assert.Contains("Additional properties are not allowed", set.AllOutput, StringComparison.Ordinal);
        Assert.Equal("GEZDGNBVGY3TQOJQ", CliTable.Rows((await RunAsync("credential", "show", created["id"])).StandardOutput)["blob"]);
        await RunAsync("credential", "delete", created["id"]);
    }

    private async Task<CommandResult> RunAsync(params string[] arguments) =>
        (await _openstack.RunAsync(_server.Openrc(), arguments)).AssertSucceeded();

    public void Dispose() => _openstack.Dispose();
}
