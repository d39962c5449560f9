using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Archway.Image.Tests.Data;

/// <summary>PUT /v2/images/{id}/file: queued → saving → active, the checksums, and every way an upload can fail.</summary>
public sealed class UploadTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private readonly ImageServer _server = fixture.Server;

    private HttpClient NewClient() => _server.As("p-" + Guid.NewGuid().ToString("N"));

    private string StoredFile(string id) => Path.Combine(_server.StoreDirectory, id);

    [Fact]
    public async Task An_upload_makes_the_image_active_with_size_md5_and_sha512_of_its_bytes()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        // A few chunks and an odd tail, so that the double-buffered copy is exercised.
        var data = ImageServer.RandomBytes(3 * 1024 * 1024 + 12345);
        using (var response = await ImageServer.UploadAsync(client, id, data))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var image = await ImageServer.ShowAsync(client, id);
        Assert.Equal("active", image.GetProperty("status").GetString());
        Assert.Equal(data.Length, image.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), image.GetProperty("checksum").GetString());
        Assert.Equal("sha512", image.GetProperty("os_hash_algo").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), image.GetProperty("os_hash_value").GetString());
        Assert.Equal(data.Length, image.GetProperty("virtual_size").GetInt64());
        Assert.Equal(data, await File.ReadAllBytesAsync(StoredFile(id)));
        Assert.False(image.TryGetProperty("locations", out _));
        Assert.False(image.TryGetProperty("direct_url", out _));
    }

    [Fact]
    public async Task A_chunked_upload_without_content_length_works_the_same()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        var data = ImageServer.RandomBytes(200_000);
        using (var response = await client.PutAsync($"/v2/images/{id}/file", ControlledContent.OctetStream(data, sendLength: false)))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var image = await ImageServer.ShowAsync(client, id);
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(data)), image.GetProperty("os_hash_value").GetString());
    }

    [Fact]
    public async Task Hashing_algorithm_picks_os_hash_algo()
    {
        await using var server = await ImageServer.StartAsync("[DEFAULT]\nhashing_algorithm = sha256\n");
        var client = server.As("hashing");
        var id = await ImageServer.CreateIdAsync(client);
        var data = ImageServer.RandomBytes(1000);
        using (await ImageServer.UploadAsync(client, id, data))
        {
        }
        var image = await ImageServer.ShowAsync(client, id);
        Assert.Equal("sha256", image.GetProperty("os_hash_algo").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), image.GetProperty("os_hash_value").GetString());
    }

    [Fact]
    public async Task A_qcow2_header_gives_the_virtual_size()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { disk_format = "qcow2", container_format = "bare" });
        var data = new byte[4096];
        byte[] magic = [0x51, 0x46, 0x49, 0xfb];
        magic.CopyTo(data, 0);
        data[7] = 3;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(24), 1L << 30);
        using (await ImageServer.UploadAsync(client, id, data))
        {
        }
        Assert.Equal(1L << 30, (await ImageServer.ShowAsync(client, id)).GetProperty("virtual_size").GetInt64());

        var notQcow = await ImageServer.CreateIdAsync(client, new { disk_format = "qcow2", container_format = "bare" });
        using (await ImageServer.UploadAsync(client, notQcow, new byte[4096]))
        {
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await ImageServer.ShowAsync(client, notQcow)).GetProperty("virtual_size").ValueKind);
    }

    [Fact]
    public async Task Uploading_again_to_an_active_image_is_409()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        using (await ImageServer.UploadAsync(client, id, [1]))
        {
        }
        using var again = await ImageServer.UploadAsync(client, id, [2]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Image status transition from active to saving is not allowed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([1], await File.ReadAllBytesAsync(StoredFile(id)));
    }

    [Fact]
    public async Task Formats_must_be_set_before_data()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client, new { name = "no formats" });
        using var response = await ImageServer.UploadAsync(client, id, [1]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Properties disk_format, container_format must be set prior to saving data.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("queued", (await ImageServer.ShowAsync(client, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_content_type_is_415()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        using var content = new ByteArrayContent([1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PutAsync($"/v2/images/{id}/file", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Invalid content type application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_uploads()
    {
        var owner = NewClient();
        var id = await ImageServer.CreateIdAsync(owner, new { disk_format = "raw", container_format = "bare", visibility = "community" });
        using (var stranger = await ImageServer.UploadAsync(NewClient(), id, [1]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
            Assert.Contains($"Not allowed to upload image data for image {id}", await stranger.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var privateId = await ImageServer.CreateIdAsync(owner, new { disk_format = "raw", container_format = "bare", visibility = "private" });
        using (var hidden = await ImageServer.UploadAsync(NewClient(), privateId, [1]))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        using var admin = await ImageServer.UploadAsync(_server.Admin(), privateId, [1]);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_upload_leaves_a_queued_image_and_no_file()
    {
        // A real socket, closed part way through the body: what a client that dies or is killed does.
        await using var server = await ImageServer.StartAsync(kestrel: true);
        var client = server.As("disconnecting");
        var id = await ImageServer.CreateIdAsync(client);
        var data = ImageServer.RandomBytes(3 * 1024 * 1024);
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(server.Address!.Host, server.Address.Port);
            var stream = socket.GetStream();
            var head = $"PUT /v2/images/{id}/file HTTP/1.1\r\nHost: {server.Address.Authority}\r\nContent-Type: application/octet-stream\r\n"
                + $"Content-Length: {data.Length}\r\nX-Identity-Status: Confirmed\r\nX-Project-Id: disconnecting\r\nX-Roles: member,reader\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(data.AsMemory(0, 2 * 1024 * 1024));
            await stream.FlushAsync();
            await WaitForAsync(client, id, i => i.GetProperty("status").GetString() == "saving");
            Assert.True(File.Exists(Path.Combine(server.StoreDirectory, id)), "the partial file is where the upload writes");
        }
        var image = await WaitForAsync(client, id, i => i.GetProperty("status").GetString() == "queued");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("size").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("checksum").ValueKind);
        await WaitUntilAsync(() => !File.Exists(Path.Combine(server.StoreDirectory, id)));
        Assert.Empty(Directory.GetFiles(server.StoreDirectory));

        // And the upload can be retried.
        using var retry = await ImageServer.UploadAsync(client, id, data);
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
    }

    [Fact]
    public async Task The_image_is_saving_during_the_upload_and_a_second_upload_gets_409()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = ControlledContent.OctetStream(ImageServer.RandomBytes(1024 * 1024), pause: release);
        var firstUpload = client.PutAsync($"/v2/images/{id}/file", first);
        await first.FirstChunkSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(client, id, i => i.GetProperty("status").GetString() == "saving");

        using (var second = await ImageServer.UploadAsync(client, id, [9, 9, 9]))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("Image status transition from saving to saving is not allowed", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        release.SetResult();
        using (var response = await firstUpload)
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var image = await ImageServer.ShowAsync(client, id);
        Assert.Equal("active", image.GetProperty("status").GetString());
        Assert.Equal(1024 * 1024, image.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Concurrent_uploads_to_one_image_one_wins_the_other_gets_409()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        var uploads = Enumerable.Range(0, 6).Select(i => ImageServer.UploadAsync(client, id, ImageServer.RandomBytes(512 * 1024))).ToArray();
        var responses = await Task.WhenAll(uploads);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        var image = await ImageServer.ShowAsync(client, id);
        Assert.Equal("active", image.GetProperty("status").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA512.HashData(await File.ReadAllBytesAsync(StoredFile(id)))), image.GetProperty("os_hash_value").GetString());
    }

    [Fact]
    public async Task Deleting_the_image_during_its_upload_gets_the_upload_410_and_removes_the_data()
    {
        var client = NewClient();
        var id = await ImageServer.CreateIdAsync(client);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = ControlledContent.OctetStream(ImageServer.RandomBytes(512 * 1024), pause: release);
        var upload = client.PutAsync($"/v2/images/{id}/file", content);
        await content.FirstChunkSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(client, id, i => i.GetProperty("status").GetString() == "saving");
        using (var deleted = await client.DeleteAsync($"/v2/images/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        release.SetResult();
        using var response = await upload;
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.False(File.Exists(StoredFile(id)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_upload_over_image_size_cap_is_413_and_leaves_nothing(bool sendLength)
    {
        await using var server = await ImageServer.StartAsync("[DEFAULT]\nimage_size_cap = 1500000\n");
        var client = server.As("capped");
        var id = await ImageServer.CreateIdAsync(client);
        using var response = await client.PutAsync($"/v2/images/{id}/file", ControlledContent.OctetStream(ImageServer.RandomBytes(1500001), sendLength: sendLength));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("The incoming image is too large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("queued", (await ImageServer.ShowAsync(client, id)).GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(server.StoreDirectory, id)));

        using var fits = await ImageServer.UploadAsync(client, id, ImageServer.RandomBytes(1500000));
        Assert.Equal(HttpStatusCode.NoContent, fits.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task User_storage_quota_counts_the_projects_stored_bytes(bool sendLength)
    {
        await using var server = await ImageServer.StartAsync("[DEFAULT]\nuser_storage_quota = 2MB\n");
        var client = server.As("quota");
        var first = await ImageServer.CreateIdAsync(client);
        using (var response = await ImageServer.UploadAsync(client, first, ImageServer.RandomBytes(1_500_000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        var second = await ImageServer.CreateIdAsync(client);
        using (var response = await client.PutAsync($"/v2/images/{second}/file", ControlledContent.OctetStream(ImageServer.RandomBytes(1_000_000), sendLength: sendLength)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("Image exceeds the storage quota", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("queued", (await ImageServer.ShowAsync(client, second)).GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(server.StoreDirectory, second)));
        // Another project has its own quota.
        var other = server.As("other-project");
        var third = await ImageServer.CreateIdAsync(other);
        using var allowed = await ImageServer.UploadAsync(other, third, ImageServer.RandomBytes(1_000_000));
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
    }

    private static async Task<System.Text.Json.JsonElement> WaitForAsync(HttpClient client, string id, Func<System.Text.Json.JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var image = await ImageServer.ShowAsync(client, id);
            if (condition(image))
            {
                return image;
            }
            Assert.True(DateTime.UtcNow < deadline, $"image {id} never reached the expected state: {image}");
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition never became true");
            await Task.Delay(20);
        }
    }
}
