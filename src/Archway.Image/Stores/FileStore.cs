using Microsoft.Win32.SafeHandles;

namespace Archway.Image.Stores;

/// <summary>
/// glance_store's filesystem driver: each image's data is one file named by the image id in
/// filesystem_store_datadir, at location file:///DATADIR/ID. Locations outside that directory are refused, so that
/// a location cannot be pointed at an arbitrary file on the server.
/// </summary>
internal sealed class FileStore : IImageStore
{
    private readonly string _directory;
    private readonly int _chunkSize;
    private readonly UnixFileMode? _fileMode;

    public FileStore(string directory, int chunkSize, int filePermissions)
    {
        // The guide writes filesystem_store_datadir = /var/lib/glance/images/; a file's directory has no trailing slash.
        _directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        _chunkSize = chunkSize;
        _fileMode = filePermissions == 0 ? null : (UnixFileMode)filePermissions;
        // glance_store creates its directory when it is configured.
        System.IO.Directory.CreateDirectory(_directory);
    }

    public string Name => "file";

    public bool SupportsRandomAccess => true;

    public string Directory => _directory;

    public bool Handles(Uri location) => location.Scheme == Uri.UriSchemeFile;

    public ImageWriter? Create(string imageId)
    {
        var path = Path.Combine(_directory, imageId);
        // An upload owns its image until it ends (the saving status is taken atomically), so a file already here
        // is what a crashed upload left behind: it is replaced.
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
        if (_fileMode is { } mode && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, mode);
        }
        return new FileWriter(path, handle, DirectIo.TryEnable(handle));
    }

    public Task<Stream?> OpenReadAsync(Uri location, long offset, long? length, CancellationToken cancellationToken)
    {
        var path = PathOf(location);
        if (path is null || !File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        stream.Position = offset;
        return Task.FromResult<Stream?>(stream);
    }

    /// <summary>The chunk size downloads read with ([glance_store] filesystem_store_chunk_size).</summary>
    public int ChunkSize => _chunkSize;

    public Task<(long? Size, string? Error)> SizeAsync(Uri location, CancellationToken cancellationToken)
    {
        var path = PathOf(location);
        if (path is null)
        {
            return Task.FromResult<(long?, string?)>((null, $"The Store URI was malformed: {location}"));
        }
        return Task.FromResult<(long?, string?)>(File.Exists(path)
            ? (new FileInfo(path).Length, null)
            : (null, $"Image {Path.GetFileName(path)} not found"));
    }

    public Task DeleteAsync(Uri location, CancellationToken cancellationToken)
    {
        if (PathOf(location) is { } path)
        {
            File.Delete(path);
        }
        return Task.CompletedTask;
    }

    /// <summary>The file a location names, when it is inside the store's directory.</summary>
    private string? PathOf(Uri location)
    {
        var path = Path.GetFullPath(location.LocalPath);
        return Path.GetDirectoryName(path) == _directory ? path : null;
    }

    private sealed class FileWriter(string path, SafeFileHandle handle, bool direct) : ImageWriter
    {
        private long _offset;
        private bool _done;
        private bool _direct = direct;

        public override string Location => "file://" + path;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_direct && !DirectIo.IsAligned(data, _offset))
            {
                // The last chunk of an upload, or a caller's unaligned buffer: from here on through the page cache.
                UseBufferedWrites();
            }
            try
            {
                await RandomAccess.WriteAsync(handle, data, _offset, cancellationToken);
            }
            catch (IOException) when (_direct)
            {
                // A file system that took the flag but refuses direct writes (EINVAL): write as everyone else does.
                UseBufferedWrites();
                await RandomAccess.WriteAsync(handle, data, _offset, cancellationToken);
            }
            _offset += data.Length;
        }

        private void UseBufferedWrites()
        {
            _direct = false;
            if (!DirectIo.Disable(handle))
            {
                throw new IOException($"Could not switch {path} from direct to buffered writes.");
            }
        }

        public override Task CommitAsync(CancellationToken cancellationToken)
        {
            // Like glance_store, the bytes are handed to the kernel, not forced to the disk.
            _done = true;
            handle.Dispose();
            return Task.CompletedTask;
        }

        public override Task AbortAsync()
        {
            if (!_done)
            {
                _done = true;
                handle.Dispose();
                File.Delete(path);
            }
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            // A writer neither committed nor aborted leaves nothing behind.
            await AbortAsync();
        }
    }
}
