using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Archway.Image.Tests.Members;

/// <summary>
/// Racing additions of one member to one shared image: the database's unique constraint decides, so exactly one
/// gets 200 and every other Glance's 409, on whichever engine the suite runs (ARCHWAY_TEST_DATABASE).
/// </summary>
public sealed class ConcurrentMemberTests(ImageServerFixture fixture) : IClassFixture<ImageServerFixture>
{
    private const int Racers = 8;
    private readonly ImageServer _server = fixture.Server;

    [Fact]
    public async Task Concurrent_adds_of_one_member_give_one_200_and_the_rest_409()
    {
        var owner = _server.As("owner-" + Guid.NewGuid().ToString("N")[..8]);
        var id = await ImageServer.CreateIdAsync(owner, new { name = "shared", disk_format = "raw", container_format = "bare", visibility = "shared" });
        var member = "member-" + Guid.NewGuid().ToString("N")[..8];
        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, Racers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await owner.PostAsJsonAsync($"/v2/images/{id}/members", new { member });
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(racers);

        var statuses = string.Join(", ", results.Select(r => $"{(int)r.StatusCode} {r.Text}"));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, statuses);
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Conflict) == Racers - 1, statuses);
        Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.Conflict),
            r => Assert.Contains($"Member {member} is duplicated for image {id}", r.Text, StringComparison.Ordinal));

        using var listed = await owner.GetAsync($"/v2/images/{id}/members");
        using var document = JsonDocument.Parse(await listed.Content.ReadAsStringAsync());
        Assert.Equal(member, Assert.Single(document.RootElement.GetProperty("members").EnumerateArray()).GetProperty("member_id").GetString());
    }
}
