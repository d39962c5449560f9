using Archway.Image.Stores;

namespace Archway.Image.Tests.Stores;

/// <summary>The file store on a real directory.</summary>
public sealed class FileStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "archway-filestore-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    // The install guide's filesystem_store_datadir = /var/lib/glance/images/ ends in a slash.
    [InlineData("/")]
    public async Task Data_written_is_read_sized_and_deleted_at_its_location(string trailing)
    {
        var store = new FileStore(_directory + trailing, chunkSize: 65536, filePermissions: 0);
        var id = Guid.NewGuid().ToString();
        string location;
        await using (var writer = store.Create(id)!)
        {
            await writer.WriteAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
            location = writer.Location;
        }
        Assert.Equal("file://" + Path.Combine(_directory, id), location);
        var uri = new Uri(location);

        await using (var stream = await store.OpenReadAsync(uri, 1, null, CancellationToken.None))
        {
            Assert.NotNull(stream);
            var rest = new MemoryStream();
            await stream.CopyToAsync(rest);
            Assert.Equal([2, 3], rest.ToArray());
        }
        Assert.Equal((3L, (string?)null), await store.SizeAsync(uri, CancellationToken.None));
        await store.DeleteAsync(uri, CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(_directory, id)));
    }

    /// <summary>
    /// Uploads write whole aligned chunks with O_DIRECT (Linux) and the last, shorter chunk through the page cache;
    /// the file holds exactly the bytes written either way.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4097)]
    public async Task Aligned_chunks_are_written_direct_and_the_tail_buffered(int tail)
    {
        var store = new FileStore(_directory, chunkSize: 65536, filePermissions: 0);
        var id = Guid.NewGuid().ToString();
        var path = Path.Combine(_directory, id);
        var expected = new MemoryStream();
        await using (var writer = store.Create(id)!)
        {
            var chunk = DirectIo.AllocateAligned(1024 * 1024);
            for (var i = 0; i < 2; i++)
            {
                Random.Shared.NextBytes(chunk.Span);
                await writer.WriteAsync(chunk, CancellationToken.None);
                expected.Write(chunk.Span);
                if (OperatingSystem.IsLinux())
                {
                    Assert.True(IsOpenDirect(path), "the aligned chunk was not written with O_DIRECT");
                }
            }
            var last = new byte[tail];
            Random.Shared.NextBytes(last);
            await writer.WriteAsync(last, CancellationToken.None);
            expected.Write(last);
            if (OperatingSystem.IsLinux() && tail % DirectIo.Alignment != 0)
            {
                Assert.False(IsOpenDirect(path), "an unaligned write left O_DIRECT on");
            }
            await writer.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(expected.ToArray(), await File.ReadAllBytesAsync(path));
    }

    /// <summary>Whether this process has the file open with O_DIRECT, from /proc/self/fdinfo's octal flags.</summary>
    private static bool IsOpenDirect(string path)
    {
        var direct = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 0x10000 : 0x4000;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }
            if (target != path)
            {
                continue;
            }
            var flags = File.ReadLines($"/proc/self/fdinfo/{Path.GetFileName(fd)}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & direct) != 0;
        }
        throw new InvalidOperationException($"{path} is not open");
    }

    [Fact]
    public async Task A_location_outside_the_directory_is_refused()
    {
        var store = new FileStore(_directory + "/", chunkSize: 65536, filePermissions: 0);
        var outside = Path.Combine(Path.GetTempPath(), "archway-filestore-outside-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(outside, [9]);
        try
        {
            Assert.Null(await store.OpenReadAsync(new Uri("file://" + outside), 0, null, CancellationToken.None));
            Assert.NotNull((await store.SizeAsync(new Uri("file://" + outside), CancellationToken.None)).Error);
        }
        finally
        {
            File.Delete(outside);
        }
    }
}
