using System.Net;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Catalog;

/// <summary>/v3/endpoints with Keystone's shapes, references, URL rules and errors.</summary>
public sealed class EndpointApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task Create_returns_keystones_shape_with_region_and_region_id()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);

        var endpoint = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "http://controller:9292", "region_id": "RegionOne", "weight": 3}}""")).GetProperty("endpoint");

        var id = endpoint.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("public", endpoint.GetProperty("interface").GetString());
        Assert.Equal(service, endpoint.GetProperty("service_id").GetString());
        Assert.Equal("http://controller:9292", endpoint.GetProperty("url").GetString());
        Assert.Equal("RegionOne", endpoint.GetProperty("region_id").GetString());
        Assert.Equal("RegionOne", endpoint.GetProperty("region").GetString());
        Assert.True(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal(3, endpoint.GetProperty("weight").GetInt32());
        Assert.Equal($"http://localhost/v3/endpoints/{id}", endpoint.GetProperty("links").GetProperty("self").GetString());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/endpoints/{id}", token)).GetProperty("endpoint");
        Assert.Equal(endpoint.GetRawText(), shown.GetRawText());
    }

    [Fact]
    public async Task Without_a_region_both_region_fields_are_null()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);

        var endpoint = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "internal", "service_id": "{{{service}}}", "url": "http://x", "enabled": false}}""")).GetProperty("endpoint");

        Assert.Equal(JsonValueKind.Null, endpoint.GetProperty("region_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, endpoint.GetProperty("region").ValueKind);
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task The_legacy_region_attribute_names_the_region_and_creates_it_when_missing()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);
        var region = ApiRequests.Unique("legacy");

        var endpoint = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "admin", "service_id": "{{{service}}}", "url": "http://x", "region": "{{{region}}}"}}""")).GetProperty("endpoint");

        Assert.Equal(region, endpoint.GetProperty("region_id").GetString());
        Assert.Equal(region, endpoint.GetProperty("region").GetString());
        var created = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{region}", token)).GetProperty("region");
        Assert.Equal("", created.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{"interface": "public", "url": "http://x"}""", "'service_id' is a required property")]
    [InlineData("""{"service_id": "s", "url": "http://x"}""", "'interface' is a required property")]
    [InlineData("""{"interface": "public", "service_id": "s"}""", "'url' is a required property")]
    [InlineData("""{"interface": "private", "service_id": "s", "url": "http://x"}""", "Invalid input for field 'interface': 'private' is not one of ['admin', 'internal', 'public']")]
    [InlineData("""{"interface": "public", "service_id": "s", "url": "controller"}""", "Invalid input for field 'url': 'controller' does not match '^[a-zA-Z0-9+.-]+:.+'")]
    [InlineData("""{"interface": "public", "service_id": 5, "url": "http://x"}""", "Invalid input for field 'service_id': 5 is not of type 'string'")]
    [InlineData("""{"interface": "public", "service_id": "s", "url": "http://x", "region_id": null}""", "Invalid input for field 'region_id': None is not of type 'string'")]
    [InlineData("""{"interface": "public", "service_id": "s", "url": "http://x", "enabled": "true"}""", "Invalid input for field 'enabled': 'true' is not of type 'boolean'")]
    // Properties are checked before required ones.
    [InlineData("""{"url": 5}""", "Invalid input for field 'url': 5 is not of type 'string'")]
    [InlineData("""{"interface": "public", "service_id": "s", "url": "http://x/$(tenant)s"}""", "Cannot create an endpoint with an invalid URL: http://x/$(tenant)s.")]
    [InlineData("""{"interface": "public", "service_id": "s", "url": "http://x/a%20b"}""", "Cannot create an endpoint with an invalid URL: http://x/a%20b.")]
    [InlineData("""{"interface": "public", "service_id": "nope", "url": "http://x"}""", "Expecting to find endpoint service_id in service table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    [InlineData("""{"interface": "public", "service_id": "nope", "url": "http://x", "region_id": "nowhere"}""", "Expecting to find endpoint region_id in region table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    public async Task Bad_endpoints_are_refused_with_keystones_message_and_change_nothing(string endpoint, string message)
    {
        var token = await _server.AdminTokenAsync();
        var before = await CountAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Post, "/v3/endpoints", token, $$$"""{"endpoint": {{{endpoint}}}}""");

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_url_of_226_characters_is_too_long()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);
        var url = "http://" + new string('h', 219);

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, $"Invalid input for field 'url': '{url}' is too long",
            HttpMethod.Post, "/v3/endpoints", token, $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "{{{url}}}"}}""");
        await _server.ExpectAsync(HttpStatusCode.Created,
            HttpMethod.Post, "/v3/endpoints", token, $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "{{{url[..225]}}}"}}""");
    }

    [Fact]
    public async Task A_legacy_region_is_not_created_when_the_endpoint_is_refused()
    {
        var token = await _server.AdminTokenAsync();
        var region = ApiRequests.Unique("orphan");

        await _server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "public", "service_id": "nope", "url": "http://x", "region": "{{{region}}}"}}""");

        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/regions/{region}", token);
    }

    [Fact]
    public async Task List_filters_by_interface_service_id_and_region_id()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);
        var other = await CreateServiceAsync(token);
        var region = ApiRequests.Unique("list");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/regions/{region}", token, """{"region": {}}""");
        var publicOne = await CreateEndpointAsync(token, service, "public", "RegionOne");
        var internalOne = await CreateEndpointAsync(token, service, "internal", "RegionOne");
        var publicTwo = await CreateEndpointAsync(token, service, "public", region);
        await CreateEndpointAsync(token, other, "public", region);

        Assert.Equal(Sorted(publicOne, internalOne, publicTwo), await ListAsync(token, $"service_id={service}"));
        Assert.Equal(Sorted(publicOne, publicTwo), await ListAsync(token, $"service_id={service}&interface=public"));
        Assert.Equal(Sorted(publicTwo), await ListAsync(token, $"service_id={service}&region_id={region}"));
    }

    [Fact]
    public async Task Patch_changes_url_interface_enabled_and_region()
    {
        var token = await _server.AdminTokenAsync();
        var service = await CreateServiceAsync(token);
        var region = ApiRequests.Unique("moved");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/regions/{region}", token, """{"region": {}}""");
        var id = await CreateEndpointAsync(token, service, "public", "RegionOne");

        var endpoint = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/endpoints/{id}", token,
            $$$"""{"endpoint": {"url": "https://controller:9292/v2", "interface": "internal", "enabled": false, "region_id": "{{{region}}}"}}""")).GetProperty("endpoint");

        Assert.Equal("https://controller:9292/v2", endpoint.GetProperty("url").GetString());
        Assert.Equal("internal", endpoint.GetProperty("interface").GetString());
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Equal(region, endpoint.GetProperty("region").GetString());
        Assert.Equal(service, endpoint.GetProperty("service_id").GetString());
    }

    [Theory]
    [InlineData("""{"endpoint": {}}""", "{} does not have enough properties")]
    [InlineData("""{"endpoint": {"id": "other"}}""", "Cannot change ID")]
    [InlineData("""{"endpoint": {"interface": "everywhere"}}""", "Invalid input for field 'interface': 'everywhere' is not one of ['admin', 'internal', 'public']")]
    [InlineData("""{"endpoint": {"service_id": "nope"}}""", "Expecting to find endpoint service_id in service table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    public async Task Patch_refuses_bad_changes(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateEndpointAsync(token, await CreateServiceAsync(token), "public", "RegionOne");

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Patch, $"/v3/endpoints/{id}", token, body);
    }

    [Fact]
    public async Task Unknown_endpoints_are_not_found_but_a_bad_reference_is_reported_first()
    {
        var token = await _server.AdminTokenAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find endpoint: nope.", HttpMethod.Get, "/v3/endpoints/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find endpoint: nope.", HttpMethod.Delete, "/v3/endpoints/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find endpoint: nope.",
            HttpMethod.Patch, "/v3/endpoints/nope", token, """{"endpoint": {"url": "http://y"}}""");
        await _server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Patch, "/v3/endpoints/nope", token, """{"endpoint": {"region_id": "nowhere"}}""");
    }

    [Fact]
    public async Task Delete_removes_the_endpoint()
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateEndpointAsync(token, await CreateServiceAsync(token), "admin", "RegionOne");

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/endpoints/{id}", token);

        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/endpoints/{id}", token);
    }

    private async Task<string> CreateServiceAsync(string token) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            $$$"""{"service": {"type": "{{{ApiRequests.Unique("type")}}}"}}""")).GetProperty("service").GetProperty("id").GetString()!;

    private async Task<string> CreateEndpointAsync(string token, string service, string endpointInterface, string region)
    {
        var body = $$$"""{"endpoint": {"interface": "{{{endpointInterface}}}", "service_id": "{{{service}}}", "url": "http://controller:9292", "region_id": "{{{region}}}"}}""";
        return (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token, body)).GetProperty("endpoint").GetProperty("id").GetString()!;
    }

    private async Task<List<string>> ListAsync(string token, string query)
    {
        var list = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/endpoints?" + query, token);
        return [.. list.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private async Task<int> CountAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return await db.GetTable<EndpointRecord>().CountAsync() + await db.GetTable<RegionRecord>().CountAsync();
    }
}
