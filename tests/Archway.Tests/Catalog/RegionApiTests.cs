using System.Net;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Catalog;

/// <summary>/v3/regions with Keystone's shapes, errors and tree rules.</summary>
public sealed class RegionApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task Post_generates_an_id_and_returns_keystones_shape_with_extras_at_the_top()
    {
        var token = await _server.AdminTokenAsync();

        var region = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/regions", token,
            """{"region": {"description": "East", "flavour-of:site": [1, 2]}}""")).GetProperty("region");

        var id = region.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("East", region.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, region.GetProperty("parent_region_id").ValueKind);
        Assert.Equal($"http://localhost/v3/regions/{id}", region.GetProperty("links").GetProperty("self").GetString());
        // Keystone normalizes ':' and '-' in the names of extra attributes on create.
        Assert.Equal("[1,2]", region.GetProperty("flavour_of_site").GetRawText());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{id}", token)).GetProperty("region");
        Assert.Equal(region.GetRawText(), shown.GetRawText());
    }

    [Fact]
    public async Task Put_creates_the_region_named_in_the_url_with_an_empty_description()
    {
        var token = await _server.AdminTokenAsync();
        var id = ApiRequests.Unique("RegionTwo");

        var region = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/regions/{id}", token, """{"region": {}}""")).GetProperty("region");

        Assert.Equal(id, region.GetProperty("id").GetString());
        Assert.Equal("", region.GetProperty("description").GetString());
        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, $"Conflicting region IDs specified: \"{id}-x\" != \"{id}\"",
            HttpMethod.Put, $"/v3/regions/{id}-x", token, $$$"""{"region": {"id": "{{{id}}}"}}""");
    }

    [Fact]
    public async Task A_duplicate_id_is_a_conflict_and_changes_nothing()
    {
        var token = await _server.AdminTokenAsync();
        var id = ApiRequests.Unique("dup");
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/regions", token, $$$"""{"region": {"id": "{{{id}}}", "description": "first"}}""");

        await _server.ExpectErrorAsync(HttpStatusCode.Conflict, $"Conflict occurred attempting to store region - Duplicate ID, {id}..",
            HttpMethod.Put, $"/v3/regions/{id}", token, """{"region": {"description": "second"}}""");

        var region = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{id}", token)).GetProperty("region");
        Assert.Equal("first", region.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("""{}""", "None is not of type 'object'")]
    [InlineData("""{"region": [1, "two"]}""", "[1, 'two'] is not of type 'object'")]
    [InlineData("""{"region": {"description": 5}}""", "Invalid input for field 'description': 5 is not of type 'string', 'null'")]
    [InlineData("""{"region": {"id": 5}}""", "Invalid input for field 'id': 5 is not of type 'string'")]
    [InlineData("""{"region": {"parent_region_id": true}}""", "Invalid input for field 'parent_region_id': True is not of type 'string', 'null'")]
    public async Task Malformed_bodies_are_refused_with_keystones_schema_message(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var before = await CountRegionsAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Post, "/v3/regions", token, body);

        Assert.Equal(before, await CountRegionsAsync());
    }

    [Fact]
    public async Task A_description_longer_than_its_column_is_refused()
    {
        var token = await _server.AdminTokenAsync();
        var description = new string('d', 256);

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest,
            $"String length exceeded. The length of string '{description}' exceeds the limit of column description(CHAR(255)).",
            HttpMethod.Post, "/v3/regions", token, $$$"""{"region": {"description": "{{{description}}}"}}""");
    }

    [Fact]
    public async Task An_unknown_parent_is_not_found()
    {
        var token = await _server.AdminTokenAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find region: nowhere.",
            HttpMethod.Post, "/v3/regions", token, """{"region": {"parent_region_id": "nowhere"}}""");
    }

    [Fact]
    public async Task Unknown_regions_are_not_found()
    {
        var token = await _server.AdminTokenAsync();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find region: nowhere.", method, "/v3/regions/nowhere", token);
        }
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find region: nowhere.",
            HttpMethod.Patch, "/v3/regions/nowhere", token, """{"region": {"description": "x"}}""");
    }

    [Fact]
    public async Task List_filters_by_parent_region_id()
    {
        var token = await _server.AdminTokenAsync();
        var parent = await CreateAsync(token, null);
        var child1 = await CreateAsync(token, parent);
        var child2 = await CreateAsync(token, parent);
        await CreateAsync(token, child1);

        var list = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions?parent_region_id={parent}", token);

        Assert.Equal(new[] { child1, child2 }.Order(StringComparer.Ordinal),
            list.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal($"http://localhost/v3/regions?parent_region_id={parent}", list.GetProperty("links").GetProperty("self").GetString());
        var all = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/regions", token);
        Assert.Contains(all.GetProperty("regions").EnumerateArray(), r => r.GetProperty("id").GetString() == "RegionOne");
    }

    [Fact]
    public async Task Patch_changes_description_parent_and_extras()
    {
        var token = await _server.AdminTokenAsync();
        var parent = await CreateAsync(token, null);
        var region = await CreateAsync(token, null);

        var updated = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/regions/{region}", token,
            $$$"""{"region": {"description": "moved", "parent_region_id": "{{{parent}}}", "tier": "gold"}}""")).GetProperty("region");

        Assert.Equal("moved", updated.GetProperty("description").GetString());
        Assert.Equal(parent, updated.GetProperty("parent_region_id").GetString());
        Assert.Equal("gold", updated.GetProperty("tier").GetString());
        var cleared = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/regions/{region}", token,
            """{"region": {"description": null, "parent_region_id": null}}""")).GetProperty("region");
        Assert.Equal("", cleared.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("parent_region_id").ValueKind);
        Assert.Equal("gold", cleared.GetProperty("tier").GetString());
    }

    [Theory]
    [InlineData("""{"region": {}}""", "{} does not have enough properties")]
    [InlineData("""{"region": {"id": "something-else"}}""", "Cannot change ID")]
    public async Task Patch_refuses_empty_bodies_and_id_changes(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var region = await CreateAsync(token, null);

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Patch, $"/v3/regions/{region}", token, body);
    }

    [Fact]
    public async Task A_parent_that_would_make_a_cycle_is_refused_and_changes_nothing()
    {
        var token = await _server.AdminTokenAsync();
        var top = await CreateAsync(token, null);
        var middle = await CreateAsync(token, top);
        var bottom = await CreateAsync(token, middle);

        foreach (var parent in new[] { bottom, middle, top })
        {
            // Keystone's message names the region being updated, whichever parent closed the cycle.
            await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, $"The specified parent region {top} would create a circular region hierarchy.",
                HttpMethod.Patch, $"/v3/regions/{top}", token, $$$"""{"region": {"parent_region_id": "{{{parent}}}"}}""");
        }

        var region = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{top}", token)).GetProperty("region");
        Assert.Equal(JsonValueKind.Null, region.GetProperty("parent_region_id").ValueKind);
    }

    [Fact]
    public async Task Delete_removes_the_region_and_every_region_below_it()
    {
        var token = await _server.AdminTokenAsync();
        var top = await CreateAsync(token, null);
        var middle = await CreateAsync(token, top);
        var bottom = await CreateAsync(token, middle);
        var other = await CreateAsync(token, null);

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/regions/{top}", token);

        foreach (var gone in new[] { top, middle, bottom })
        {
            await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/regions/{gone}", token);
        }
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{other}", token);
    }

    [Fact]
    public async Task Delete_is_forbidden_while_the_region_or_a_region_below_it_has_an_endpoint()
    {
        var token = await _server.AdminTokenAsync();
        var top = await CreateAsync(token, null);
        var bottom = await CreateAsync(token, top);
        var service = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/services", token,
            """{"service": {"type": "region-test"}}""")).GetProperty("service").GetProperty("id").GetString();
        var endpoint = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/endpoints", token,
            $$$"""{"endpoint": {"interface": "public", "service_id": "{{{service}}}", "url": "http://x", "region_id": "{{{bottom}}}"}}""")).GetProperty("endpoint").GetProperty("id").GetString();

        await _server.ExpectErrorAsync(HttpStatusCode.Forbidden,
            $"Unable to delete region {top} because it or its child regions have associated endpoints.",
            HttpMethod.Delete, $"/v3/regions/{top}", token);

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/regions/{bottom}", token);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/endpoints/{endpoint}", token);
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/regions/{top}", token);
    }

    [Fact]
    public async Task Without_a_token_every_call_is_unauthorized()
    {
        await _server.ExpectAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/v3/regions", "");
        await _server.ExpectAsync(HttpStatusCode.Unauthorized, HttpMethod.Post, "/v3/regions", "not-a-token", """{"region": {}}""");
    }

    private async Task<string> CreateAsync(string token, string? parent)
    {
        var body = parent is null ? """{"region": {}}""" : $$$"""{"region": {"parent_region_id": "{{{parent}}}"}}""";
        var region = await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/regions", token, body);
        return region.GetProperty("region").GetProperty("id").GetString()!;
    }

    private async Task<int> CountRegionsAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return await db.GetTable<RegionRecord>().CountAsync();
    }
}
