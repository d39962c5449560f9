using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Archway.Image.Tests.Images;

public sealed class ImageCreateTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private readonly ImageServer _server = fixture.Server;

    private static string NewProject() => "p-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Create_answers_201_with_a_queued_image_owned_by_the_callers_project()
    {
        var project = NewProject();
        var client = _server.As(project);
        using var response = await client.PostAsJsonAsync("/v2/images", new { name = "cirros", disk_format = "qcow2", container_format = "bare" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = await ImageServer.JsonAsync(response);
        var id = image.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
        Assert.Equal($"http://localhost/v2/images/{id}", response.Headers.Location?.ToString());
        Assert.Equal("queued", image.GetProperty("status").GetString());
        Assert.Equal(project, image.GetProperty("owner").GetString());
        Assert.Equal("shared", image.GetProperty("visibility").GetString());
        Assert.Equal("cirros", image.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("checksum").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("size").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("os_hash_value").ValueKind);
        Assert.False(image.GetProperty("protected").GetBoolean());
        Assert.False(image.GetProperty("os_hidden").GetBoolean());
        Assert.Equal(0, image.GetProperty("min_ram").GetInt32());
        Assert.Equal(0, image.GetProperty("min_disk").GetInt32());
        Assert.Equal($"/v2/images/{id}", image.GetProperty("self").GetString());
        Assert.Equal($"/v2/images/{id}/file", image.GetProperty("file").GetString());
        Assert.Equal("/v2/schemas/image", image.GetProperty("schema").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", image.GetProperty("created_at").GetString()!);
        Assert.Empty(image.GetProperty("tags").EnumerateArray());
        Assert.False(response.Headers.Contains("OpenStack-image-import-methods"));
    }

    [Fact]
    public async Task Create_keeps_custom_properties_tags_and_a_given_id()
    {
        var client = _server.As(NewProject());
        var id = Guid.NewGuid().ToString();
        var image = await ImageServer.CreateAsync(client, new Dictionary<string, object?>
        {
            ["id"] = id,
            ["name"] = "props",
            ["os_distro"] = "cirros",
            ["hw_disk_bus"] = "virtio",
            ["kernel_id"] = null,
            ["tags"] = new[] { "a", "b", "a" },
            ["min_ram"] = 512,
            ["protected"] = true,
            ["visibility"] = "private",
        });
        Assert.Equal(id, image.GetProperty("id").GetString());
        Assert.Equal("cirros", image.GetProperty("os_distro").GetString());
        Assert.Equal("virtio", image.GetProperty("hw_disk_bus").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("kernel_id").ValueKind);
        Assert.Equal(["a", "b"], image.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(512, image.GetProperty("min_ram").GetInt32());
        Assert.True(image.GetProperty("protected").GetBoolean());
        Assert.Equal("private", image.GetProperty("visibility").GetString());

        var shown = await ImageServer.ShowAsync(client, id);
        Assert.Equal("cirros", shown.GetProperty("os_distro").GetString());
        Assert.Equal(["a", "b"], shown.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Create_with_an_id_already_used_is_409_even_after_the_image_is_deleted()
    {
        var client = _server.As(NewProject());
        var id = await ImageServer.CreateIdAsync(client);
        using (var again = await client.PostAsJsonAsync("/v2/images", new { id }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        using (var deleted = await client.DeleteAsync($"/v2/images/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var reused = await client.PostAsJsonAsync("/v2/images", new { id });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
    }

    [Theory]
    [InlineData("status", "\"active\"")]
    [InlineData("checksum", "\"abc\"")]
    [InlineData("size", "1")]
    [InlineData("virtual_size", "1")]
    [InlineData("os_hash_algo", "\"sha512\"")]
    [InlineData("os_hash_value", "\"abc\"")]
    [InlineData("created_at", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("updated_at", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("self", "\"x\"")]
    [InlineData("file", "\"x\"")]
    [InlineData("schema", "\"x\"")]
    [InlineData("direct_url", "\"x\"")]
    [InlineData("stores", "\"x\"")]
    public async Task Create_refuses_read_only_attributes_with_403(string attribute, string value)
    {
        var client = _server.As(NewProject());
        using var content = new StringContent($"{{\"{attribute}\": {value}}}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v2/images", content);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"Attribute '{attribute}' is read-only.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("location", "\"x\"")]
    [InlineData("deleted", "\"x\"")]
    [InlineData("deleted_at", "\"x\"")]
    [InlineData("os_glance_import_task", "\"x\"")]
    [InlineData("locations", "[]")]
    public async Task Create_refuses_reserved_attributes_with_403(string attribute, string value)
    {
        var client = _server.As(NewProject());
        using var content = new StringContent($"{{\"{attribute}\": {value}}}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v2/images", content);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"Attribute '{attribute}' is reserved.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"disk_format\": \"floppy\"}", "'floppy' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']")]
    [InlineData("{\"container_format\": \"zip\"}", "'zip' is not one of")]
    [InlineData("{\"visibility\": \"everyone\"}", "'everyone' is not one of ['community', 'public', 'private', 'shared']")]
    [InlineData("{\"min_ram\": \"lots\"}", "'lots' is not of type 'integer'")]
    [InlineData("{\"protected\": \"yes\"}", "'yes' is not of type 'boolean'")]
    [InlineData("{\"id\": \"not-a-uuid\"}", "'not-a-uuid' does not match")]
    [InlineData("{\"os_distro\": 7}", "7 is not of type 'string'")]
    [InlineData("{\"custom\": 7}", "7 is not of type 'string'")]
    [InlineData("{\"kernel_id\": \"nope\"}", "'nope' does not match")]
    [InlineData("{\"tags\": [1]}", "1 is not of type 'string'")]
    [InlineData("[]", "[] is not of type 'object'")]
    public async Task Create_validates_the_body_against_the_image_schema(string body, string message)
    {
        var client = _server.As(NewProject());
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v2/images", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ImageServer.JsonAsync(response);
        Assert.StartsWith("Provided object does not match schema 'image': ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_refuses_a_negative_min_disk_and_a_long_custom_property_name()
    {
        var client = _server.As(NewProject());
        using (var negative = await client.PostAsJsonAsync("/v2/images", new { min_disk = -1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
            Assert.Contains("Cannot be a negative value", await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var content = new StringContent($"{{\"{new string('k', 256)}\": \"v\"}}", Encoding.UTF8, "application/json");
        using var longName = await client.PostAsync("/v2/images", content);
        Assert.Equal(HttpStatusCode.BadRequest, longName.StatusCode);
        Assert.Contains("Custom property should not be greater than 255 characters.", await longName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_without_a_body_or_with_bad_json_is_400()
    {
        var client = _server.As(NewProject());
        using (var empty = await client.PostAsync("/v2/images", new StringContent("", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("Body expected in request.", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var malformed = await client.PostAsync("/v2/images", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("Malformed JSON in request body.", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
