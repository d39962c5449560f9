using System.Text.Json;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>
/// The install guide's Image service registration, verbatim through the real `openstack` CLI, then the rest of the
/// life of regions, services and endpoints. The catalog changes, so this class runs its own `archway up`.
/// </summary>
public sealed class CatalogCommandTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IClassFixture<ArchwayServerFixture>, IDisposable
{
    private const string Url = "http://controller:9292";
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task The_guides_image_service_and_endpoints_are_created_listed_shown_disabled_and_deleted()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var service = CliTable.Rows((await RunAsync("service", "create", "--name", "glance", "--description", "OpenStack Image", "image")).StandardOutput);
        // CliTable.Rows keeps the "Field | Value" header as a row.
        Assert.Equal(["description", "enabled", "id", "name", "type"], service.Keys.Where(k => k != "Field").Order(StringComparer.Ordinal));
        Assert.Equal("OpenStack Image", service["description"]);
        Assert.Equal("True", service["enabled"]);
        Assert.Matches("^[0-9a-f]{32}$", service["id"]);
        Assert.Equal("glance", service["name"]);
        Assert.Equal("image", service["type"]);

        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpointInterface in new[] { "public", "internal", "admin" })
        {
            var endpoint = CliTable.Rows((await RunAsync("endpoint", "create", "--region", "RegionOne", "image", endpointInterface, Url)).StandardOutput);
            Assert.Equal("True", endpoint["enabled"]);
            Assert.Matches("^[0-9a-f]{32}$", endpoint["id"]);
            Assert.Equal(endpointInterface, endpoint["interface"]);
            Assert.Equal("RegionOne", endpoint["region"]);
            Assert.Equal("RegionOne", endpoint["region_id"]);
            Assert.Equal(service["id"], endpoint["service_id"]);
            Assert.Equal("glance", endpoint["service_name"]);
            Assert.Equal("image", endpoint["service_type"]);
            Assert.Equal(Url, endpoint["url"]);
            endpoints[endpointInterface] = endpoint["id"];
        }

        var listed = CliTable.List((await RunAsync("endpoint", "list", "--service", "image")).StandardOutput);
        Assert.Equal(endpoints.Values.Order(StringComparer.Ordinal), listed.Select(row => row["ID"]).Order(StringComparer.Ordinal));
        Assert.All(listed, row =>
        {
            Assert.Equal("RegionOne", row["Region"]);
            Assert.Equal("glance", row["Service Name"]);
            Assert.Equal("image", row["Service Type"]);
            Assert.Equal("True", row["Enabled"]);
            Assert.Equal(Url, row["URL"]);
        });
        Assert.Equal(service, CliTable.Rows((await RunAsync("service", "show", "glance")).StandardOutput));
        Assert.Equal(["admin", "internal", "public"], await CatalogInterfacesAsync("image"));

        var disable = await RunAsync("endpoint", "set", "--disable", endpoints["admin"]);
        Assert.Equal("", disable.StandardOutput.Trim());
        Assert.Equal("False", CliTable.Rows((await RunAsync("endpoint", "show", endpoints["admin"])).StandardOutput)["enabled"]);
        // A disabled endpoint leaves the catalog of the next token.
        Assert.Equal(["internal", "public"], await CatalogInterfacesAsync("image"));

        Assert.Equal("", (await RunAsync("service", "delete", "glance")).StandardOutput.Trim());
        var shown = await _openstack.RunAsync(_server.Openrc(), "service", "show", "glance");
        Assert.False(shown.Succeeded, shown.Describe());
        // Keystone deletes a service's endpoints with it.
        var remaining = CliTable.List((await RunAsync("endpoint", "list")).StandardOutput).Select(row => row["ID"]).ToList();
        Assert.DoesNotContain(remaining, id => endpoints.ContainsValue(id));
        Assert.Equal(3, remaining.Count);
    }

    [Fact]
    public async Task A_region_is_created_listed_shown_updated_and_deleted()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var created = CliTable.Rows((await RunAsync("region", "create", "RegionTwo")).StandardOutput);
        Assert.Equal("RegionTwo", created["region"]);
        Assert.Equal("", created["description"]);
        Assert.Equal("None", created["parent_region"]);
        var child = CliTable.Rows((await RunAsync("region", "create", "--parent-region", "RegionTwo", "--description", "Zone A", "RegionTwoA")).StandardOutput);
        Assert.Equal("RegionTwo", child["parent_region"]);
        Assert.Equal("Zone A", child["description"]);

        var listed = CliTable.List((await RunAsync("region", "list")).StandardOutput);
        Assert.Contains(listed, row => row["Region"] == "RegionOne");
        Assert.Contains(listed, row => row["Region"] == "RegionTwoA" && row["Parent Region"] == "RegionTwo" && row["Description"] == "Zone A");
        Assert.Equal("", (await RunAsync("region", "set", "--description", "Second region", "RegionTwo")).StandardOutput.Trim());
        Assert.Equal("Second region", CliTable.Rows((await RunAsync("region", "show", "RegionTwo")).StandardOutput)["description"]);
        var cycle = await _openstack.RunAsync(_server.Openrc(), "region", "set", "--parent-region", "RegionTwoA", "RegionTwo");
        Assert.False(cycle.Succeeded, cycle.Describe());
        Assert.Contains("would create a circular region hierarchy", cycle.AllOutput, StringComparison.Ordinal);

        // Deleting a region deletes the regions below it.
        Assert.Equal("", (await RunAsync("region", "delete", "RegionTwo")).StandardOutput.Trim());
        var after = CliTable.List((await RunAsync("region", "list")).StandardOutput).Select(row => row["Region"]).ToList();
        Assert.DoesNotContain("RegionTwo", after);
        Assert.DoesNotContain("RegionTwoA", after);
    }

    private async Task<CommandResult> RunAsync(params string[] arguments) =>
        (await _openstack.RunAsync(_server.Openrc(), arguments)).AssertSucceeded();

    /// <summary>The interfaces of a service's endpoints in a new token's catalog (`openstack catalog show`).</summary>
    private async Task<List<string>> CatalogInterfacesAsync(string type)
    {
        var result = await RunAsync("catalog", "list", "-f", "json");
        var service = JsonSerializer.Deserialize<JsonElement>(result.StandardOutput).EnumerateArray()
            .Single(s => s.GetProperty("Type").GetString() == type);
        return [.. service.GetProperty("Endpoints").EnumerateArray().Select(e => e.GetProperty("interface").GetString()!).Order(StringComparer.Ordinal)];
    }

    public void Dispose() => _openstack.Dispose();
}
