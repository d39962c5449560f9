using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>`openstack catalog list`: the service catalog the CLI reads from the token bootstrap made.</summary>
[Collection(SharedArchwayCollection.Name)]
public sealed class CatalogTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Catalog_list_shows_the_identity_service_with_three_endpoints_in_RegionOne()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var result = (await _openstack.RunAsync(_server.Openrc(), "catalog", "list", "-f", "json")).AssertSucceeded();

        var services = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(result.StandardOutput).EnumerateArray().ToList();
        var identity = Assert.Single(services, service => service.GetProperty("Type").GetString() == "identity");
        Assert.Equal("keystone", identity.GetProperty("Name").GetString());
        var endpoints = identity.GetProperty("Endpoints").EnumerateArray()
            .Select(endpoint => (
                Interface: endpoint.GetProperty("interface").GetString(),
                Region: endpoint.GetProperty("region_id").GetString(),
                Url: endpoint.GetProperty("url").GetString()))
            .OrderBy(endpoint => endpoint.Interface, StringComparer.Ordinal)
            .ToList();
        var url = _server.AuthUrl + "/";
        Assert.Equal([("admin", "RegionOne", url), ("internal", "RegionOne", url), ("public", "RegionOne", url)], endpoints);
    }

    public void Dispose() => _openstack.Dispose();
}
