using System.Net;

namespace Archway.Image.Tests.Images;

/// <summary>PATCH /v2/images/{id}: every JSON-patch operation, both media types, and Glance's refusals.</summary>
public sealed class ImagePatchTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private const string V20 = "application/openstack-images-v2.0-json-patch";
    private readonly ImageServer _server = fixture.Server;

    private HttpClient NewClient() => _server.As("p-" + Guid.NewGuid().ToString("N"));

    private static async Task<System.Text.Json.JsonElement> PatchOkAsync(HttpClient client, string id, string body, string? mediaType = null)
    {
        using var response = mediaType is null ? await ImageServer.PatchAsync(client, id, body) : await ImageServer.PatchAsync(client, id, body, mediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task AssertPatchFailsAsync(HttpClient client, string id, string body, HttpStatusCode status, string message, string? mediaType = null)
    {
        using var response = mediaType is null ? await ImageServer.PatchAsync(client, id, body) : await ImageServer.PatchAsync(client, id, body, mediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Contains(message, System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replace_add_and_remove_change_attributes_and_custom_properties()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { name = "before", os_distro = "cirros" });
        var image = await PatchOkAsync(client, id, """
            [{"op": "replace", "path": "/name", "value": "after"},
             {"op": "add", "path": "/hw_disk_bus", "value": "scsi"},
             {"op": "replace", "path": "/os_distro", "value": "debian"},
             {"op": "add", "path": "/min_ram", "value": 256},
             {"op": "replace", "path": "/protected", "value": true},
             {"op": "replace", "path": "/tags", "value": ["t1", "t2", "t1"]},
             {"op": "add", "path": "/a~1b~0c", "value": "escaped"}]
            """);
        Assert.Equal("after", image.GetProperty("name").GetString());
        Assert.Equal("scsi", image.GetProperty("hw_disk_bus").GetString());
        Assert.Equal("debian", image.GetProperty("os_distro").GetString());
        Assert.Equal(256, image.GetProperty("min_ram").GetInt32());
        Assert.True(image.GetProperty("protected").GetBoolean());
        Assert.Equal(["t1", "t2"], image.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("escaped", image.GetProperty("a/b~c").GetString());

        image = await PatchOkAsync(client, id, """[{"op": "remove", "path": "/hw_disk_bus"}, {"op": "replace", "path": "/protected", "value": false}]""");
        Assert.False(image.TryGetProperty("hw_disk_bus", out _));
        var shown = await ImageServer.ShowAsync(client, id);
        Assert.False(shown.TryGetProperty("hw_disk_bus", out _));
        Assert.Equal("after", shown.GetProperty("name").GetString());
        Assert.Equal("debian", shown.GetProperty("os_distro").GetString());
    }

    [Fact]
    public async Task Add_on_an_existing_property_replaces_it_in_v21_and_is_409_in_v20()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { os_distro = "cirros" });
        var image = await PatchOkAsync(client, id, """[{"op": "add", "path": "/os_distro", "value": "debian"}]""");
        Assert.Equal("debian", image.GetProperty("os_distro").GetString());
        await AssertPatchFailsAsync(client, id, """[{"add": "/os_distro", "value": "ubuntu"}]""", HttpStatusCode.Conflict, "Property os_distro already present.", V20);
        await AssertPatchFailsAsync(client, id, """[{"add": "/name", "value": "x"}]""", HttpStatusCode.Conflict, "Property name already present.", V20);
    }

    [Fact]
    public async Task The_v20_dialect_names_the_operation_as_the_key()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { name = "old", os_distro = "cirros" });
        var image = await PatchOkAsync(client, id, """
            [{"replace": "/name", "value": "new"}, {"add": "/os_version", "value": "1"}, {"remove": "/os_distro"}]
            """, V20);
        Assert.Equal("new", image.GetProperty("name").GetString());
        Assert.Equal("1", image.GetProperty("os_version").GetString());
        Assert.False(image.TryGetProperty("os_distro", out _));
        await AssertPatchFailsAsync(client, id, """[{"replace": "/name", "add": "/name", "value": "x"}]""", HttpStatusCode.BadRequest,
            "Operation objects must contain only one member named", V20);
        await AssertPatchFailsAsync(client, id, """[{"value": "x"}]""", HttpStatusCode.BadRequest,
            "Operation objects must contain exactly one member named", V20);
    }

    [Fact]
    public async Task Missing_properties_are_409_and_attributes_cannot_be_removed()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/nothing", "value": "x"}]""", HttpStatusCode.Conflict, "Property nothing does not exist.");
        await AssertPatchFailsAsync(client, id, """[{"op": "remove", "path": "/nothing"}]""", HttpStatusCode.Conflict, "Property nothing does not exist.");
        await AssertPatchFailsAsync(client, id, """[{"op": "remove", "path": "/name"}]""", HttpStatusCode.Forbidden, "Property name may not be removed.");
        await AssertPatchFailsAsync(client, id, """[{"op": "remove", "path": "/min_ram"}]""", HttpStatusCode.Forbidden, "Property min_ram may not be removed.");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("checksum")]
    [InlineData("size")]
    [InlineData("virtual_size")]
    [InlineData("id")]
    [InlineData("created_at")]
    [InlineData("updated_at")]
    [InlineData("os_hash_algo")]
    [InlineData("os_hash_value")]
    [InlineData("direct_url")]
    [InlineData("self")]
    [InlineData("file")]
    [InlineData("schema")]
    public async Task Read_only_attributes_are_403_for_every_operation(string attribute)
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        foreach (var op in new[] { "add", "replace", "remove" })
        {
            var value = op == "remove" ? "" : ", \"value\": \"x\"";
            await AssertPatchFailsAsync(client, id, $$"""[{"op": "{{op}}", "path": "/{{attribute}}"{{value}}}]""", HttpStatusCode.Forbidden, $"Attribute '{attribute}' is read-only.");
        }
    }

    [Theory]
    [InlineData("location")]
    [InlineData("deleted")]
    [InlineData("deleted_at")]
    [InlineData("os_glance_anything")]
    public async Task Reserved_attributes_are_403(string attribute)
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        await AssertPatchFailsAsync(client, id, $$"""[{"op": "add", "path": "/{{attribute}}", "value": "x"}]""", HttpStatusCode.Forbidden, $"Attribute '{attribute}' is reserved.");
        await AssertPatchFailsAsync(client, id, $$"""[{"op": "remove", "path": "/{{attribute}}"}]""", HttpStatusCode.Forbidden, $"Attribute '{attribute}' is reserved.");
    }

    [Theory]
    [InlineData("{}", "Request body must be a JSON array of operation objects.")]
    [InlineData("[1]", "Operations must be JSON objects.")]
    [InlineData("[{\"path\": \"/name\", \"value\": \"x\"}]", "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.")]
    [InlineData("[{\"op\": \"move\", \"path\": \"/name\", \"value\": \"x\"}]", "Invalid operation: `move`. It must be one of the following: add, remove, replace.")]
    [InlineData("[{\"op\": \"test\", \"path\": \"/name\", \"value\": \"x\"}]", "Invalid operation: `test`.")]
    [InlineData("[{\"op\": \"add\", \"value\": \"x\"}]", "Unable to find 'path' in JSON Schema change")]
    [InlineData("[{\"op\": \"add\", \"path\": \"name\", \"value\": \"x\"}]", "Pointer `name` does not start with \"/\".")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/a//b\", \"value\": \"x\"}]", "Pointer `/a//b` contains adjacent \"/\".")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/a/\", \"value\": \"x\"}]", "Pointer `/a/` end with \"/\".")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/a~2\", \"value\": \"x\"}]", "contains \"~\" not part of a recognized escape sequence.")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/tags/-\", \"value\": \"x\"}]", "Invalid JSON pointer for this resource: '/tags/-'")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/name\"}]", "Operation \"add\" requires a member named \"value\".")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/name\"}]", "Operation \"replace\" requires a member named \"value\".")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/visibility\", \"value\": \"everyone\"}]", "Provided object does not match schema 'image': 'everyone' is not one of")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/min_ram\", \"value\": \"x\"}]", "'x' is not of type 'integer'")]
    [InlineData("[{\"op\": \"add\", \"path\": \"/custom\", \"value\": 5}]", "5 is not of type 'string'")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": 5}]", "5 is not of type 'null', 'string'")]
    [InlineData("[{\"op\": \"replace\", \"path\": \"/min_disk\", \"value\": -1}]", "Cannot be a negative value")]
    public async Task Malformed_operations_are_400(string body, string message)
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        await AssertPatchFailsAsync(client, id, body, HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task Another_media_type_is_415_with_accept_patch()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        using var response = await ImageServer.PatchAsync(client, id, """[{"op": "replace", "path": "/name", "value": "x"}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch",
            string.Join(", ", response.Headers.GetValues("Accept-Patch")));
    }

    [Fact]
    public async Task A_failing_operation_leaves_the_image_as_it_was()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { name = "kept" });
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/name", "value": "lost"}, {"op": "remove", "path": "/nothing"}]""",
            HttpStatusCode.Conflict, "Property nothing does not exist.");
        Assert.Equal("kept", (await ImageServer.ShowAsync(client, id)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_empty_patch_returns_the_image_unchanged()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { name = "same" });
        Assert.Equal("same", (await PatchOkAsync(client, id, "[]")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Formats_change_only_while_queued()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { disk_format = "raw", container_format = "bare" });
        Assert.Equal("qcow2", (await PatchOkAsync(client, id, """[{"op": "replace", "path": "/disk_format", "value": "qcow2"}]""")).GetProperty("disk_format").GetString());
        using (var upload = await ImageServer.UploadAsync(client, id, [1, 2, 3]))
        {
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/disk_format", "value": "raw"}]""", HttpStatusCode.Forbidden,
            "Attribute disk_format can be only replaced for a queued image.");
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/container_format", "value": "ovf"}]""", HttpStatusCode.Forbidden,
            "Attribute container_format can be only replaced for a queued image.");
    }

    [Fact]
    public async Task Only_admins_change_owner_and_publicize()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/owner", "value": "someone-else"}]""", HttpStatusCode.Forbidden, "Owner can't be updated by non admin.");
        await AssertPatchFailsAsync(client, id, """[{"op": "add", "path": "/owner", "value": "someone-else"}]""", HttpStatusCode.Forbidden, "Owner can't be updated by non admin.");
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/visibility", "value": "public"}]""", HttpStatusCode.Forbidden,
            "You are not authorized to complete publicize_image action.");
        Assert.Equal("community", (await PatchOkAsync(client, id, """[{"op": "replace", "path": "/visibility", "value": "community"}]""")).GetProperty("visibility").GetString());

        var admin = _server.Admin();
        var image = await PatchOkAsync(admin, id, """[{"op": "replace", "path": "/visibility", "value": "public"}, {"op": "replace", "path": "/owner", "value": "someone-else"}]""");
        Assert.Equal("public", image.GetProperty("visibility").GetString());
        Assert.Equal("someone-else", image.GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Another_projects_image_is_404_when_private_and_403_when_public()
    {
        var owner = NewClient();
        var stranger = NewClient();
        var privateId = await ImageServer.CreateIdAsync(owner, new { visibility = "private" });
        await AssertPatchFailsAsync(stranger, privateId, """[{"op": "replace", "path": "/name", "value": "x"}]""", HttpStatusCode.NotFound, $"No image found with ID {privateId}");
        var communityId = await ImageServer.CreateIdAsync(owner, new { visibility = "community" });
        await AssertPatchFailsAsync(stranger, communityId, """[{"op": "replace", "path": "/name", "value": "x"}]""", HttpStatusCode.Forbidden, "You do not own this image");
    }

    [Fact]
    public async Task Property_and_tag_quotas_are_413()
    {
        await using var server = await ImageServer.StartAsync("[DEFAULT]\nimage_property_quota = 2\nimage_tag_quota = 2\n");
        var client = server.As("quota");
        var id = await ImageServer.CreateIdAsync(client, new { a = "1", b = "2" });
        await AssertPatchFailsAsync(client, id, """[{"op": "add", "path": "/c", "value": "3"}]""", HttpStatusCode.RequestEntityTooLarge,
            "The limit has been exceeded on the number of allowed image properties. Attempted: 3, Maximum: 2");
        // Replacing within the quota is fine even when already at it.
        Assert.Equal("9", (await PatchOkAsync(client, id, """[{"op": "replace", "path": "/a", "value": "9"}]""")).GetProperty("a").GetString());
        await AssertPatchFailsAsync(client, id, """[{"op": "replace", "path": "/tags", "value": ["x", "y", "z"]}]""", HttpStatusCode.RequestEntityTooLarge,
            "The limit has been exceeded on the number of allowed image tags. Attempted: 3, Maximum: 2");
        using var create = await client.PostAsync("/v2/images", new StringContent("""{"a": "1", "b": "2", "c": "3"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, create.StatusCode);
    }
}
