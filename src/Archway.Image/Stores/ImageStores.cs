using Archway.Image.Config;

namespace Archway.Image.Stores;

/// <summary>
/// The stores [glance_store] stores loads, and the default_store uploads go to. Locations are dispatched by URL
/// scheme, as glance_store does.
/// </summary>
internal sealed class ImageStores
{
    private readonly List<IImageStore> _stores = [];

    public ImageStores(GlanceOptions options, HttpClient? http = null)
    {
        Default = new FileStore(options.FilesystemStoreDatadir, options.FilesystemStoreChunkSize, options.FilesystemStoreFilePerm);
        _stores.Add(Default);
        if (options.Stores.Contains("http") || options.Stores.Contains("https"))
        {
            _stores.Add(new HttpStore(http ?? HttpStore.CreateClient()));
        }
    }

    /// <summary>Where uploads go (default_store = file).</summary>
    public FileStore Default { get; }

    public IReadOnlyList<IImageStore> All => _stores;

    public IImageStore? For(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) ? _stores.FirstOrDefault(s => s.Handles(uri)) : null;

    public Task<(long? Size, string? Error)> SizeAsync(string location, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            return Task.FromResult<(long?, string?)>((null, $"The Store URI was malformed: {location}"));
        }
        var store = _stores.FirstOrDefault(s => s.Handles(uri));
        return store is null
            ? Task.FromResult<(long?, string?)>((null, $"Unknown scheme '{uri.Scheme}' found in URI"))
            : store.SizeAsync(uri, cancellationToken);
    }

    /// <summary>Removes a location's data when its store can (glance_store's safe_delete_from_backend).</summary>
    public async Task DeleteAsync(string location, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && _stores.FirstOrDefault(s => s.Handles(uri)) is { } store)
        {
            await store.DeleteAsync(uri, cancellationToken);
        }
    }

    public Task<Stream?> OpenReadAsync(string location, long offset, long? length, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || _stores.FirstOrDefault(s => s.Handles(uri)) is not { } store)
        {
            return Task.FromResult<Stream?>(null);
        }
        return store.OpenReadAsync(uri, offset, length, cancellationToken);
    }
}
