using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Archway.Image.Tests.Schemas;

/// <summary>/v2/schemas/*: what clients build their models from, against what Glance's own code produces.</summary>
public sealed class SchemaTests(ImageServerFixture fixture, ITestOutputHelper output) : IClassFixture<ImageServerFixture>
{
    private readonly ImageServer _server = fixture.Server;

    private static readonly Lazy<Task<JsonArray>> GlanceSchemas = new(() => GlancePython.RunAsync(new JsonObject { ["op"] = "schemas" }));

    [Theory]
    [InlineData("image")]
    [InlineData("images")]
    [InlineData("member")]
    [InlineData("members")]
    public async Task Each_schema_is_the_one_glance_builds(string name)
    {
        if (!await GlancePython.EnsureAvailableAsync(output))
        {
            return;
        }
        var glance = (await GlanceSchemas.Value)[0]![name];
        using var response = await _server.As("schemas").GetAsync($"/v2/schemas/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(JsonNode.DeepEquals(glance, served), $"served:\n{served}\nGlance:\n{glance}");
    }

    [Fact]
    public async Task The_committed_schema_files_are_what_the_generator_writes()
    {
        if (!await GlancePython.EnsureAvailableAsync(output))
        {
            return;
        }
        var glance = (await GlanceSchemas.Value)[0]!;
        foreach (var name in new[] { "image", "images", "member", "members" })
        {
            var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(GlancePython.RepositoryRoot(), "src", "Archway.Image", "Schemas", name + ".json")));
            Assert.True(JsonNode.DeepEquals(glance[name], committed), $"{name}.json differs from Glance's: run src/Archway.Image/Schemas/generate-schemas.py");
        }
    }

    [Fact]
    public async Task Image_format_options_change_the_schema_enums()
    {
        await using var server = await ImageServer.StartAsync("[image_format]\ndisk_formats = raw,qcow2\ncontainer_formats = bare\n");
        var schema = JsonNode.Parse(await server.As("schemas").GetStringAsync("/v2/schemas/image"))!;
        Assert.Equal("[null,\"raw\",\"qcow2\"]", schema["properties"]!["disk_format"]!["enum"]!.ToJsonString());
        Assert.Equal("[null,\"bare\"]", schema["properties"]!["container_format"]!["enum"]!.ToJsonString());
        using var refused = await server.As("schemas").PostAsync("/v2/images",
            new StringContent("""{"disk_format": "iso"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Schemas_answer_only_get()
    {
        using var response = await _server.As("schemas").DeleteAsync("/v2/schemas/image");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET", response.Content.Headers.Allow.Single());
    }
}
