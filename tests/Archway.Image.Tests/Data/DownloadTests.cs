using System.Net;
using System.Security.Cryptography;

namespace Archway.Image.Tests.Data;

/// <summary>GET /v2/images/{id}/file: whole images, single ranges, and the cases without data.</summary>
public sealed class DownloadTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private readonly ImageServer _server = fixture.Server;

    private async Task<(HttpClient Client, string Id, byte[] Data)> ActiveImageAsync(int size = 2 * 1024 * 1024 + 7, object? body = null)
    {
        var client = _server.As("p-" + Guid.NewGuid().ToString("N"));
        var id = await ImageServer.CreateIdAsync(client, body);
        var data = ImageServer.RandomBytes(size);
        using var upload = await ImageServer.UploadAsync(client, id, data);
        Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        return (client, id, data);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string id, string? range = null, string? contentRange = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/images/{id}/file");
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }
        if (contentRange is not null)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_download_streams_the_bytes_with_content_md5_and_length()
    {
        var (client, id, data) = await ActiveImageAsync();
        using var response = await GetAsync(client, id);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(data.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), response.Content.Headers.GetValues("Content-MD5").Single());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(SHA512.HashData(data), SHA512.HashData(body));
    }

    [Theory]
    [InlineData("bytes=0-4", 0, 5, "bytes 0-4/{0}")]
    [InlineData("bytes=10-", 10, -1, "bytes 10-{1}/{0}")]
    [InlineData("bytes=-3", -3, 3, "bytes {2}-{1}/{0}")]
    [InlineData("bytes=5-99999999", 5, -1, "bytes 5-{1}/{0}")]
    public async Task A_range_is_206_with_content_range(string range, int start, int length, string contentRange)
    {
        var (client, id, data) = await ActiveImageAsync(1000);
        using var response = await GetAsync(client, id, range);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var offset = start >= 0 ? start : data.Length + start;
        var count = length >= 0 ? length : data.Length - offset;
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, contentRange, data.Length, data.Length - 1, offset),
            response.Content.Headers.GetValues("Content-Range").Single());
        Assert.Equal(count, response.Content.Headers.ContentLength);
        Assert.Equal(data.AsSpan(offset, count).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_legacy_request_content_range_is_honoured()
    {
        var (client, id, data) = await ActiveImageAsync(100);
        using var response = await GetAsync(client, id, contentRange: "bytes 10-19/100");
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(data.AsSpan(10, 10).ToArray(), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=1000-", HttpStatusCode.RequestedRangeNotSatisfiable, "Invalid start position in Range header.")]
    [InlineData("bytes=5-2", HttpStatusCode.RequestedRangeNotSatisfiable, "Invalid Range header.")]
    [InlineData("pages=1-2", HttpStatusCode.RequestedRangeNotSatisfiable, "Invalid Range header.")]
    [InlineData("bytes=0-1,5-6", HttpStatusCode.BadRequest, "Requests with multiple ranges are not supported in Glance.")]
    public async Task Bad_ranges_are_refused(string range, HttpStatusCode status, string message)
    {
        var (client, id, _) = await ActiveImageAsync(1000);
        using var response = await GetAsync(client, id, range);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, (await ImageServer.JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_without_data_is_204()
    {
        var client = _server.As("p-" + Guid.NewGuid().ToString("N"));
        var id = await ImageServer.CreateIdAsync(client);
        using var response = await GetAsync(client, id);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Data_gone_from_the_store_is_204()
    {
        var (client, id, _) = await ActiveImageAsync(10);
        File.Delete(Path.Combine(_server.StoreDirectory, id));
        using var response = await GetAsync(client, id);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_image_downloads_only_for_admins()
    {
        var (client, id, data) = await ActiveImageAsync(10);
        using (var deactivate = await client.PostAsync($"/v2/images/{id}/actions/deactivate", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, deactivate.StatusCode);
        }
        using (var owner = await GetAsync(client, id))
        {
            Assert.Equal(HttpStatusCode.Forbidden, owner.StatusCode);
            Assert.Contains("The requested image has been deactivated. Image data download is forbidden.",
                (await ImageServer.JsonAsync(owner)).GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        using var admin = await GetAsync(_server.Admin(), id);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(data, await admin.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Who_may_download_follows_visibility()
    {
        var (client, privateId, _) = await ActiveImageAsync(10, new { disk_format = "raw", container_format = "bare", visibility = "private" });
        var stranger = _server.As("p-" + Guid.NewGuid().ToString("N"));
        using (var hidden = await GetAsync(stranger, privateId))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        var communityId = await ImageServer.CreateIdAsync(client, new { disk_format = "raw", container_format = "bare", visibility = "community" });
        using (await ImageServer.UploadAsync(client, communityId, [1, 2, 3]))
        {
        }
        using var open = await GetAsync(stranger, communityId);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal([1, 2, 3], await open.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Deleting_an_image_removes_its_file()
    {
        var (client, id, _) = await ActiveImageAsync(10);
        Assert.True(File.Exists(Path.Combine(_server.StoreDirectory, id)));
        using var response = await client.DeleteAsync($"/v2/images/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(File.Exists(Path.Combine(_server.StoreDirectory, id)));
        using var gone = await GetAsync(client, id);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
