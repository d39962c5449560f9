using System.Net;
using System.Text.Json;

namespace Archway.Tests.Catalog;

/// <summary>The catalog in tokens and at /v3/auth/catalog follows the catalog APIs at once.</summary>
public sealed class TokenCatalogTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task A_new_endpoint_is_in_the_next_tokens_catalog_and_at_auth_catalog()
    {
        var token = await _server.AdminTokenAsync();
        var type = ApiRequests.Unique("image");
        var service = await CreateServiceAsync(token, type, "glance");
        Assert.Empty(await EndpointsInTokenAsync(type));

        var endpoint = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "http://controller:9292", "region_id": "RegionOne"}}""")).GetProperty("endpoint").GetProperty("id").GetString();

        var inToken = Assert.Single(await EndpointsInTokenAsync(type));
        Assert.Equal(endpoint, inToken.GetProperty("id").GetString());
        Assert.Equal("http://controller:9292", inToken.GetProperty("url").GetString());
        Assert.Equal("RegionOne", inToken.GetProperty("region").GetString());
        Assert.Equal("RegionOne", inToken.GetProperty("region_id").GetString());
        var catalog = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/auth/catalog", await _server.AdminTokenAsync());
        var listed = Assert.Single(catalog.GetProperty("catalog").EnumerateArray(), s => s.GetProperty("type").GetString() == type);
        Assert.Equal("glance", listed.GetProperty("name").GetString());
        Assert.Equal(endpoint, Assert.Single(listed.GetProperty("endpoints").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_disabled_service_leaves_the_catalog_and_comes_back_when_enabled()
    {
        var token = await _server.AdminTokenAsync();
        var type = ApiRequests.Unique("volume");
        var service = await CreateServiceAsync(token, type, "cinder");
        await CreateEndpointAsync(token, service, "http://controller:8776");
        Assert.NotNull(await ServiceInTokenAsync(type));

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/services/{service}", token, """{"service": {"enabled": false}}""");
        Assert.Null(await ServiceInTokenAsync(type));

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/services/{service}", token, """{"service": {"enabled": true}}""");
        Assert.NotNull(await ServiceInTokenAsync(type));
    }

    [Fact]
    public async Task A_disabled_or_deleted_endpoint_leaves_the_catalog()
    {
        var token = await _server.AdminTokenAsync();
        var type = ApiRequests.Unique("network");
        var service = await CreateServiceAsync(token, type, "neutron");
        var disabled = await CreateEndpointAsync(token, service, "http://controller:9696");
        var deleted = await CreateEndpointAsync(token, service, "http://controller:9697");
        var kept = await CreateEndpointAsync(token, service, "http://controller:9698");

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/endpoints/{disabled}", token, """{"endpoint": {"enabled": false}}""");
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/endpoints/{deleted}", token);

        Assert.Equal([kept], (await EndpointsInTokenAsync(type)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Project_id_in_an_endpoint_url_is_the_tokens_project()
    {
        var token = await _server.AdminTokenAsync();
        var type = ApiRequests.Unique("compute");
        var service = await CreateServiceAsync(token, type, "nova");
        await CreateEndpointAsync(token, service, "http://controller:8774/v2.1/$(project_id)s");

        using var response = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword);
        var issued = (await IdentityServer.JsonAsync(response)).GetProperty("token");
        var endpoint = Assert.Single(Service(issued, type)!.Value.GetProperty("endpoints").EnumerateArray());
        Assert.Equal($"http://controller:8774/v2.1/{issued.GetProperty("project").GetProperty("id").GetString()}", endpoint.GetProperty("url").GetString());
    }

    private async Task<string> CreateServiceAsync(string token, string type, string name) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            $$$"""{"service": {"type": "{{{type}}}", "name": "{{{name}}}"}}""")).GetProperty("service").GetProperty("id").GetString()!;

    private async Task<string> CreateEndpointAsync(string token, string service, string url) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "{{{url}}}", "region_id": "RegionOne"}}""")).GetProperty("endpoint").GetProperty("id").GetString()!;

    private async Task<JsonElement?> ServiceInTokenAsync(string type)
    {
        using var response = await _server.PasswordAuthAsync("admin", IdentityServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Service((await IdentityServer.JsonAsync(response)).GetProperty("token"), type);
    }

    private async Task<List<JsonElement>> EndpointsInTokenAsync(string type) =>
        (await ServiceInTokenAsync(type)) is { } service ? [.. service.GetProperty("endpoints").EnumerateArray()] : [];

    private static JsonElement? Service(JsonElement token, string type)
    {
        foreach (var service in token.GetProperty("catalog").EnumerateArray())
        {
            if (service.GetProperty("type").GetString() == type)
            {
                return service;
            }
        }
        return null;
    }
}
