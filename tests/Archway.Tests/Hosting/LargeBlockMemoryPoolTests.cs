using Archway.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Archway.Tests.Hosting;

/// <summary>The Image API's Kestrel memory pool: 64 KiB blocks, reused, and a bounded number kept.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_64_KiB_and_reused_after_return()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        var memory = first.Memory;
        first.Dispose();
        using var second = pool.Rent(LargeBlockMemoryPool.BlockSize);
        Assert.True(second.Memory.Span == memory.Span, "a returned block was not reused");
    }

    [Fact]
    public void More_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void At_most_64_returned_blocks_are_kept()
    {
        using var pool = new LargeBlockMemoryPool();
        var rented = Enumerable.Range(0, 100).Select(_ => pool.Rent()).ToList();
        var blocks = rented.Select(b => b.Memory).ToList();
        rented.ForEach(b => b.Dispose());
        var again = Enumerable.Range(0, 100).Select(_ => pool.Rent()).ToList();
        var reused = again.Count(b => blocks.Any(m => m.Span == b.Memory.Span));
        Assert.Equal(64, reused);
    }

    [Fact]
    public async Task The_image_host_gives_kestrel_this_pool()
    {
        var directory = Path.Combine(Path.GetTempPath(), "archway-pool-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(directory);
            var config = Path.Combine(directory, "glance-api.conf");
            await File.WriteAllTextAsync(config, $"""
                [database]
                connection = sqlite:///{directory}/glance.db
                [glance_store]
                filesystem_store_datadir = {directory}/images
                [keystone_authtoken]
                auth_url = http://127.0.0.1:1/v3
                username = glance
                password = GLANCE_PASS
                project_name = service
                """);
            await using var app = ImageHost.BuildImage(ImageSettings.Load(config, directory), "127.0.0.1", 0, identity: null);
            Assert.IsType<LargeBlockMemoryPool.Factory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
