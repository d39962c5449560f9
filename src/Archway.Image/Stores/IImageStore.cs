namespace Archway.Image.Stores;

/// <summary>
/// A glance_store driver: where image data lives, addressed by location URLs (file:///..., http://...).
/// Failures the API reports are values; exceptions are for broken infrastructure.
/// </summary>
internal interface IImageStore
{
    /// <summary>The glance_store name ("file", "http").</summary>
    string Name { get; }

    /// <summary>Whether reads may start at an offset (glance_store's READ_RANDOM capability).</summary>
    bool SupportsRandomAccess { get; }

    /// <summary>Whether this store owns a location URL.</summary>
    bool Handles(Uri location);

    /// <summary>
    /// Opens a new object for an image's data (uploads); null when this store takes no uploads or the object
    /// exists already (Glance's Duplicate).
    /// </summary>
    ImageWriter? Create(string imageId);

    /// <summary>
    /// The data at <paramref name="location"/> from <paramref name="offset"/>, at most <paramref name="length"/>
    /// bytes (all when null); null when there is nothing there.
    /// </summary>
    Task<Stream?> OpenReadAsync(Uri location, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>The size of the data at a location, or why the location cannot be used.</summary>
    Task<(long? Size, string? Error)> SizeAsync(Uri location, CancellationToken cancellationToken);

    /// <summary>Removes the data; a read-only store leaves it, and missing data is not an error.</summary>
    Task DeleteAsync(Uri location, CancellationToken cancellationToken);
}

/// <summary>An object being written: a stream to write the bytes to, then commit or abort (which removes them).</summary>
internal abstract class ImageWriter : IAsyncDisposable
{
    /// <summary>The location URL the data will have once committed.</summary>
    public abstract string Location { get; }

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the bytes durable and final.</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Removes whatever was written. Safe to call more than once and after a failed write.</summary>
    public abstract Task AbortAsync();

    public abstract ValueTask DisposeAsync();
}
