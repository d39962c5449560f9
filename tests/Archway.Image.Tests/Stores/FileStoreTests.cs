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
