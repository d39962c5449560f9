using System.Net;
using System.Text.Json;

namespace Archway.Image.Tests.Images;

/// <summary>GET /v2/images: filters, sorting, pagination. Each test lists only its own project's images.</summary>
public sealed class ImageListTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private readonly ImageServer _server = fixture.Server;

    private (HttpClient Client, string Project) NewProject()
    {
        var project = "p-" + Guid.NewGuid().ToString("N");
        return (_server.As(project), project);
    }

    private static async Task<(List<string> Names, JsonElement Body)> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/v2/images" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        return (body.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList(), body);
    }

    private static async Task<List<string>> CreateManyAsync(HttpClient client, int count, string prefix)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await ImageServer.CreateIdAsync(client, new { name = $"{prefix}{i}", visibility = "private" }));
        }
        return ids;
    }

    [Fact]
    public async Task Default_order_is_newest_first_and_the_body_has_first_and_schema()
    {
        var (client, project) = NewProject();
        await CreateManyAsync(client, 3, "n");
        var (names, body) = await ListAsync(client, $"?owner={project}");
        Assert.Equal(["n2", "n1", "n0"], names);
        Assert.Equal($"/v2/images?owner={project}", body.GetProperty("first").GetString());
        Assert.Equal("/v2/schemas/images", body.GetProperty("schema").GetString());
        Assert.False(body.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Limit_and_marker_page_through_every_image_once_with_next_links()
    {
        var (client, project) = NewProject();
        var ids = await CreateManyAsync(client, 5, "page");
        var seen = new List<string>();
        var url = $"/v2/images?owner={project}&limit=2&sort=name:asc";
        var pages = 0;
        while (url is not null)
        {
            using var response = await client.GetAsync(url);
            var body = await ImageServer.JsonAsync(response);
            seen.AddRange(body.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("name").GetString()!));
            url = body.TryGetProperty("next", out var next) ? next.GetString() : null;
            Assert.Equal($"/v2/images?owner={project}&limit=2&sort=name%3Aasc", body.GetProperty("first").GetString());
            pages++;
        }
        Assert.Equal(["page0", "page1", "page2", "page3", "page4"], seen);
        // Glance adds a next link whenever a page is full, so five images in pages of two take three pages.
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Limit_is_capped_by_api_limit_max_and_defaults_to_limit_param_default()
    {
        await using var server = await ImageServer.StartAsync("[DEFAULT]\nlimit_param_default = 2\napi_limit_max = 3\n");
        var client = server.As("capped");
        await CreateManyAsync(client, 4, "c");
        Assert.Equal(2, (await ListAsync(client, "")).Names.Count);
        Assert.Equal(3, (await ListAsync(client, "?limit=100")).Names.Count);
        Assert.Single((await ListAsync(client, "?limit=1")).Names);
    }

    [Theory]
    [InlineData("?limit=abc", "limit param must be an integer")]
    [InlineData("?limit=-1", "limit param must be positive")]
    [InlineData("?sort_key=owner", "Invalid sort key: owner.")]
    [InlineData("?sort_dir=up", "Invalid sort direction: up")]
    [InlineData("?sort=name:sideways", "Invalid sort direction: sideways")]
    [InlineData("?sort=name&sort_key=size", "Old and new sorting syntax cannot be combined")]
    [InlineData("?sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc", "Number of sort dirs does not match the number of sort keys")]
    [InlineData("?visibility=everyone", "Invalid visibility value: everyone")]
    [InlineData("?member_status=maybe", "Invalid status: maybe")]
    [InlineData("?changes-since=2020-01-01T00:00:00Z", "The \"changes-since\" filter is no longer available on v2.")]
    [InlineData("?os_hidden=perhaps", "Invalid value 'perhaps' for 'os_hidden' filter.")]
    [InlineData("?protected=perhaps", "Invalid value 'perhaps' for 'protected' filter.")]
    [InlineData("?size_min=big", "Unable to filter on a range with a non-numeric value.")]
    [InlineData("?created_at=gt:yesterday", "Bad \"created_at\" query filter format.")]
    [InlineData("?created_at=after:2020-01-01T00:00:00Z", "Unable to filter on a unknown operator.")]
    [InlineData("?name=like:abc", "Unable to filter by unknown operator 'like'.")]
    [InlineData("?name=in:\"a,b", "The quote is not closed.")]
    [InlineData("?marker=00000000-0000-0000-0000-000000000000", "No image found with ID 00000000-0000-0000-0000-000000000000")]
    public async Task Bad_queries_are_400_with_glances_message(string query, string message)
    {
        var (client, _) = NewProject();
        using var response = await client.GetAsync("/v2/images" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await ImageServer.JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_by_name_status_formats_size_tag_and_custom_property()
    {
        var (client, project) = NewProject();
        await ImageServer.CreateAsync(client, new { name = "alpha", disk_format = "qcow2", container_format = "bare", os_distro = "cirros", tags = new[] { "x", "y" } });
        var beta = await ImageServer.CreateIdAsync(client, new { name = "beta", disk_format = "raw", container_format = "bare", tags = new[] { "x" } });
        await ImageServer.CreateAsync(client, new { name = "gamma", disk_format = "iso", container_format = "ovf" });
        using (var upload = await ImageServer.UploadAsync(client, beta, new byte[100]))
        {
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }
        var owner = $"owner={project}";
        Assert.Equal(["alpha"], (await ListAsync(client, $"?{owner}&name=alpha")).Names);
        Assert.Equal(["gamma", "alpha"], (await ListAsync(client, $"?{owner}&name=in:alpha,gamma")).Names);
        Assert.Equal(["beta"], (await ListAsync(client, $"?{owner}&status=active")).Names);
        Assert.Equal(["gamma", "alpha"], (await ListAsync(client, $"?{owner}&status=queued")).Names);
        Assert.Equal(["gamma", "beta"], (await ListAsync(client, $"?{owner}&disk_format=in:raw,iso")).Names);
        Assert.Equal(["gamma"], (await ListAsync(client, $"?{owner}&container_format=ovf")).Names);
        Assert.Equal(["beta"], (await ListAsync(client, $"?{owner}&size_min=50&size_max=100")).Names);
        Assert.Empty((await ListAsync(client, $"?{owner}&size_min=101")).Names);
        Assert.Equal(["beta", "alpha"], (await ListAsync(client, $"?{owner}&tag=x")).Names);
        Assert.Equal(["alpha"], (await ListAsync(client, $"?{owner}&tag=x&tag=y")).Names);
        Assert.Equal(["alpha"], (await ListAsync(client, $"?{owner}&os_distro=cirros")).Names);
        Assert.Empty((await ListAsync(client, $"?{owner}&os_distro=ubuntu")).Names);
    }

    [Fact]
    public async Task Time_filters_compare_created_at_and_updated_at()
    {
        var (client, project) = NewProject();
        await ImageServer.CreateAsync(client, new { name = "timed" });
        var owner = $"owner={project}";
        Assert.Equal(["timed"], (await ListAsync(client, $"?{owner}&created_at=gt:2000-01-01T00:00:00Z")).Names);
        Assert.Empty((await ListAsync(client, $"?{owner}&created_at=lt:2000-01-01T00:00:00Z")).Names);
        Assert.Equal(["timed"], (await ListAsync(client, $"?{owner}&updated_at=lte:2999-01-01T00:00:00Z")).Names);
        Assert.Equal(["timed"], (await ListAsync(client, $"?{owner}&updated_at=neq:2000-01-01T00:00:00Z")).Names);
    }

    [Fact]
    public async Task Hidden_images_appear_only_when_asked_for()
    {
        var (client, project) = NewProject();
        await ImageServer.CreateAsync(client, new { name = "shown" });
        await ImageServer.CreateAsync(client, new { name = "hidden", os_hidden = true });
        Assert.Equal(["shown"], (await ListAsync(client, $"?owner={project}")).Names);
        Assert.Equal(["hidden"], (await ListAsync(client, $"?owner={project}&os_hidden=true")).Names);
    }

    [Fact]
    public async Task Sort_keys_and_directions_order_the_list()
    {
        var (client, project) = NewProject();
        await ImageServer.CreateAsync(client, new { name = "b", disk_format = "raw" });
        await ImageServer.CreateAsync(client, new { name = "a", disk_format = "qcow2" });
        await ImageServer.CreateAsync(client, new { name = "c", disk_format = "iso" });
        var owner = $"owner={project}";
        Assert.Equal(["a", "b", "c"], (await ListAsync(client, $"?{owner}&sort_key=name&sort_dir=asc")).Names);
        Assert.Equal(["c", "b", "a"], (await ListAsync(client, $"?{owner}&sort_key=name")).Names);
        Assert.Equal(["c", "a", "b"], (await ListAsync(client, $"?{owner}&sort=disk_format:asc,name")).Names);
        Assert.Equal(["b", "a", "c"], (await ListAsync(client, $"?{owner}&sort_key=disk_format&sort_dir=desc")).Names);
    }

    [Fact]
    public async Task A_marker_image_the_caller_may_not_see_is_403()
    {
        var (owner, _) = NewProject();
        var hidden = await ImageServer.CreateIdAsync(owner, new { name = "private", visibility = "private" });
        var (stranger, _) = NewProject();
        using var response = await stranger.GetAsync($"/v2/images?marker={hidden}");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
