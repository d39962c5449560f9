using System.Text.Json;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>
/// openstacksdk (Debian's python3-openstacksdk) against a freshly started `archway up`: openstack.connect() from
/// admin-openrc issues a token, then creates, lists, updates, assigns and deletes projects, users, roles, role
/// assignments, services and endpoints (openstacksdk_identity.py); each step's result is checked here.
/// </summary>
public sealed class OpenStackSdkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminPassword = "Sdk admin pa$$";
    private readonly OpenStackCli _runner = new(output.WriteLine);
    private ArchwayServer? _server;

    public async Task InitializeAsync() => _server = await ArchwayServer.StartAsync(AdminPassword);

    public async Task DisposeAsync()
    {
        _runner.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Openstacksdk_manages_identity_resources_end_to_end()
    {
        if (!InteropRequirements.OpenStackSdkInstalled(output))
        {
            return;
        }
        var result = (await _runner.RunPythonAsync(_server!.Openrc(), Path.Combine("Identity", "openstacksdk_identity.py"))).AssertSucceeded();
        var o = JsonDocument.Parse(result.StandardOutput).RootElement;

        var token = o.GetProperty("token");
        Assert.Equal("gAAAAA", token.GetProperty("id_prefix").GetString());
        Assert.Equal("admin", token.GetProperty("user_name").GetString());
        Assert.Equal("admin", token.GetProperty("project_name").GetString());
        Assert.Equal(["admin", "member", "reader"], token.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(_server.AuthUrl + "/", token.GetProperty("identity_endpoint").GetString());

        var project = o.GetProperty("project");
        var projectId = project.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", projectId);
        Assert.StartsWith("sdk-project-", project.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("default", project.GetProperty("domain_id").GetString());
        Assert.Equal("made by openstacksdk", project.GetProperty("description").GetString());
        Assert.True(project.GetProperty("enabled").GetBoolean());
        Assert.True(o.GetProperty("project_listed").GetBoolean());
        Assert.Equal(projectId, o.GetProperty("project_found").GetString());
        Assert.Equal("updated by openstacksdk", o.GetProperty("project_updated_description").GetString());

        var user = o.GetProperty("user");
        var userId = user.GetProperty("id").GetString()!;
        Assert.Equal("default", user.GetProperty("domain_id").GetString());
        Assert.Equal(projectId, user.GetProperty("default_project_id").GetString());
        Assert.True(user.GetProperty("enabled").GetBoolean());
        Assert.Equal("sdk@example.test", user.GetProperty("email").GetString());
        Assert.True(o.GetProperty("user_listed").GetBoolean());

        var roleId = o.GetProperty("role").GetProperty("id").GetString()!;
        Assert.True(o.GetProperty("role_listed").GetBoolean());
        var assignment = Assert.Single(o.GetProperty("assignments").EnumerateArray());
        Assert.Equal(roleId, assignment.GetProperty("role").GetString());
        Assert.Equal(userId, assignment.GetProperty("user").GetString());
        Assert.Equal(projectId, assignment.GetProperty("project").GetString());
        Assert.True(o.GetProperty("user_role_check").GetBoolean());
        var userToken = o.GetProperty("user_token");
        Assert.Equal(projectId, userToken.GetProperty("project_id").GetString());
        Assert.Equal([o.GetProperty("role").GetProperty("name").GetString()], userToken.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var service = o.GetProperty("service");
        var serviceId = service.GetProperty("id").GetString()!;
        Assert.StartsWith("sdk-type-", service.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.True(service.GetProperty("enabled").GetBoolean());
        var endpoint = o.GetProperty("endpoint");
        Assert.Equal(serviceId, endpoint.GetProperty("service_id").GetString());
        Assert.Equal("public", endpoint.GetProperty("interface").GetString());
        Assert.Equal("http://sdk.example.test:8080/v1", endpoint.GetProperty("url").GetString());
        Assert.Equal("RegionOne", endpoint.GetProperty("region_id").GetString());
        Assert.True(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal([endpoint.GetProperty("id").GetString()], o.GetProperty("endpoints_of_service").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("http://sdk.example.test:8080/v1", o.GetProperty("catalog_url").GetString());

        Assert.Equal(0, o.GetProperty("assignments_after_unassign").GetInt32());
        foreach (var gone in o.GetProperty("after_delete").EnumerateObject())
        {
            Assert.False(gone.Value.GetBoolean(), $"the {gone.Name} is still found after its delete");
        }
        Assert.Equal("not found: 404", o.GetProperty("get_deleted_project").GetString());
    }
}
