using System.Text.Json.Nodes;
using Archway.Image.Images;
using Xunit.Abstractions;

namespace Archway.Image.Tests.Images;

/// <summary>The status machine against Glance's own Image.valid_state_targets.</summary>
public sealed class ImageStatusTableTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_status_move_is_allowed_exactly_when_glance_allows_it()
    {
        if (!await GlancePython.EnsureAvailableAsync(output))
        {
            return;
        }
        var targets = (await GlancePython.RunAsync(new JsonObject { ["op"] = "state_targets" }))[0]!.AsObject();
        Assert.Equal(targets.Select(t => t.Key).Order(), ImageStatus.All.Order());
        foreach (var from in ImageStatus.All)
        {
            var allowed = targets[from]!.AsArray().Select(t => (string)t!).ToHashSet();
            foreach (var to in ImageStatus.All)
            {
                Assert.True(allowed.Contains(to) == ImageStatus.CanMove(from, to), $"{from} -> {to}: Glance says {allowed.Contains(to)}");
            }
        }
    }
}
