using System.Net;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Catalog;

/// <summary>/v3/services with Keystone's shapes and errors; deleting a service deletes its endpoints.</summary>
public sealed class ServiceApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task Create_returns_the_guides_service_with_keystones_fields()
    {
        var token = await _server.AdminTokenAsync();

        var service = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            """{"service": {"name": "glance", "description": "OpenStack Image", "type": "image", "api-version": 2}}""")).GetProperty("service");

        var id = service.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("glance", service.GetProperty("name").GetString());
        Assert.Equal("OpenStack Image", service.GetProperty("description").GetString());
        Assert.Equal("image", service.GetProperty("type").GetString());
        Assert.True(service.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, service.GetProperty("api_version").GetInt32());
        Assert.Equal($"http://localhost/v3/services/{id}", service.GetProperty("links").GetProperty("self").GetString());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/services/{id}", token)).GetProperty("service");
        Assert.Equal(service.GetRawText(), shown.GetRawText());
    }

    [Fact]
    public async Task Without_a_name_the_name_is_empty_and_without_a_description_there_is_none()
    {
        var token = await _server.AdminTokenAsync();

        var service = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            """{"service": {"type": "nameless", "enabled": false}}""")).GetProperty("service");

        Assert.Equal("", service.GetProperty("name").GetString());
        Assert.False(service.TryGetProperty("description", out _));
        Assert.False(service.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task A_description_is_kept_as_given_because_keystones_schema_does_not_check_it()
    {
        var token = await _server.AdminTokenAsync();

        var service = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            """{"service": {"type": "odd", "description": 5}}""")).GetProperty("service");
        var id = service.GetProperty("id").GetString();

        Assert.Equal(5, service.GetProperty("description").GetInt32());
        var updated = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/services/{id}", token,
            """{"service": {"description": "now text"}}""")).GetProperty("service");
        Assert.Equal("now text", updated.GetProperty("description").GetString());
        var cleared = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/services/{id}", token,
            """{"service": {"description": null}}""")).GetProperty("service");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("description").ValueKind);
    }

    [Theory]
    [InlineData("""{"service": {"name": "x"}}""", "'type' is a required property")]
    [InlineData("""{"service": {"type": ""}}""", "Invalid input for field 'type': '' is too short")]
    [InlineData("""{"service": {"type": 5}}""", "Invalid input for field 'type': 5 is not of type 'string'")]
    [InlineData("""{"service": {"type": null}}""", "Invalid input for field 'type': None is not of type 'string'")]
    [InlineData("""{"service": {"type": "a", "name": "   "}}""", "Invalid input for field 'name': '   ' does not match '[\\\\S]+'")]
    [InlineData("""{"service": {"type": "a", "name": null}}""", "Invalid input for field 'name': None is not of type 'string'")]
    [InlineData("""{"service": {"type": "a", "enabled": "yes"}}""", "Invalid input for field 'enabled': 'yes' is not of type 'boolean'")]
    // Keystone checks properties (in the schema's order: enabled, name, type) before required ones.
    [InlineData("""{"service": {"enabled": 1, "name": 2}}""", "Invalid input for field 'enabled': 1 is not of type 'boolean'")]
    [InlineData("""{"service": {"name": 2}}""", "Invalid input for field 'name': 2 is not of type 'string'")]
    [InlineData("""{"other": {}}""", "None is not of type 'object'")]
    public async Task Malformed_bodies_are_refused_with_keystones_schema_message_and_change_nothing(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var before = await CountServicesAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Post, "/v3/services", token, body);

        Assert.Equal(before, await CountServicesAsync());
    }

    [Fact]
    public async Task Names_and_types_of_256_characters_are_too_long()
    {
        var token = await _server.AdminTokenAsync();
        var text = new string('n', 256);

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, $"Invalid input for field 'type': '{text}' is too long",
            HttpMethod.Post, "/v3/services", token, $$$"""{"service": {"type": "{{{text}}}"}}""");
        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, $"Invalid input for field 'name': '{text}' is too long",
            HttpMethod.Post, "/v3/services", token, $$$"""{"service": {"type": "t", "name": "{{{text}}}"}}""");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            $$$"""{"service": {"type": "{{{text[..255]}}}", "name": "{{{text[..255]}}}"}}""");
    }

    [Fact]
    public async Task List_filters_by_type_and_name()
    {
        var token = await _server.AdminTokenAsync();
        var type = ApiRequests.Unique("type");
        var first = await CreateAsync(token, type, "first");
        var second = await CreateAsync(token, type, "second");
        await CreateAsync(token, ApiRequests.Unique("type"), "first");

        var byType = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/services?type={type}", token);
        var byBoth = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/services?type={type}&name=second", token);

        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), Ids(byType, "services").Order(StringComparer.Ordinal));
        Assert.Equal([second], Ids(byBoth, "services"));
        Assert.False(byType.TryGetProperty("truncated", out _));
    }

    [Fact]
    public async Task Patch_changes_what_it_names_and_keeps_the_rest()
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateAsync(token, "image", "glance");

        var updated = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/services/{id}", token,
            $$$"""{"service": {"id": "{{{id}}}", "enabled": false, "name": "glance2", "color": "blue"}}""")).GetProperty("service");

        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal("glance2", updated.GetProperty("name").GetString());
        Assert.Equal("image", updated.GetProperty("type").GetString());
        Assert.Equal("blue", updated.GetProperty("color").GetString());
        Assert.Equal("OpenStack Image", updated.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{"service": {}}""", "{} does not have enough properties")]
    [InlineData("""{"service": {"id": "another"}}""", "Cannot change ID")]
    [InlineData("""{"service": {"type": ""}}""", "Invalid input for field 'type': '' is too short")]
    public async Task Patch_refuses_empty_bodies_id_changes_and_bad_values(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateAsync(token, "image", "glance");

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Patch, $"/v3/services/{id}", token, body);
    }

    [Fact]
    public async Task Unknown_services_are_not_found()
    {
        var token = await _server.AdminTokenAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find service: nope.", HttpMethod.Get, "/v3/services/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find service: nope.", HttpMethod.Delete, "/v3/services/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find service: nope.",
            HttpMethod.Patch, "/v3/services/nope", token, """{"service": {"type": "x"}}""");
    }

    [Fact]
    public async Task Delete_removes_the_service_and_its_endpoints_only()
    {
        var token = await _server.AdminTokenAsync();
        var doomed = await CreateAsync(token, "image", "glance");
        var kept = await CreateAsync(token, "volume", "cinder");
        var doomedEndpoints = new List<string>();
        foreach (var endpointInterface in new[] { "public", "internal", "admin" })
        {
            doomedEndpoints.Add(await CreateEndpointAsync(token, doomed, endpointInterface));
        }
        var keptEndpoint = await CreateEndpointAsync(token, kept, "public");

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/services/{doomed}", token);

        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/services/{doomed}", token);
        foreach (var endpoint in doomedEndpoints)
        {
            await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/endpoints/{endpoint}", token);
        }
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/endpoints/{keptEndpoint}", token);
        await using var db = _server.Get<IdentityDatabase>().Open();
        Assert.Equal(0, await db.GetTable<EndpointRecord>().CountAsync(e => e.ServiceId == doomed));
    }

    [Fact]
    public async Task Catalog_list_limit_truncates_the_service_list()
    {
        await using var server = await IdentityServer.StartAsync("[catalog]\nlist_limit = 1\n");
        var token = await server.AdminTokenAsync();
        await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token, """{"service": {"type": "second"}}""");

        var list = await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/services", token);

        Assert.Single(list.GetProperty("services").EnumerateArray());
        Assert.True(list.GetProperty("truncated").GetBoolean());
    }

    private async Task<string> CreateAsync(string token, string type, string name)
    {
        var body = $$$"""{"service": {"type": "{{{type}}}", "name": "{{{name}}}", "description": "OpenStack Image"}}""";
        return (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token, body)).GetProperty("service").GetProperty("id").GetString()!;
    }

    private async Task<string> CreateEndpointAsync(string token, string serviceId, string endpointInterface)
    {
        var body = $$$"""{"endpoint": {"interface": "{{{endpointInterface}}}", "service_id": "{{{serviceId}}}", "url": "http://controller:9292", "region_id": "RegionOne"}}""";
        return (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token, body)).GetProperty("endpoint").GetProperty("id").GetString()!;
    }

    private static List<string> Ids(JsonElement list, string collection) =>
        list.GetProperty(collection).EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();

    private async Task<int> CountServicesAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return await db.GetTable<ServiceRecord>().CountAsync();
    }
}
