using System.Net;

namespace Archway.Image.Stores;

/// <summary>
/// glance_store's read-only http driver: image data at an http(s) URL, reached with GET (up to five redirects, as
/// glance_store follows them). It takes no uploads and, lacking random access, no ranged reads.
/// </summary>
internal sealed class HttpStore(HttpClient client) : IImageStore
{
    public string Name => "http";

    public bool SupportsRandomAccess => false;

    public bool Handles(Uri location) => location.Scheme == Uri.UriSchemeHttp || location.Scheme == Uri.UriSchemeHttps;

    public ImageWriter? Create(string imageId) => null;

    public async Task<Stream?> OpenReadAsync(Uri location, long offset, long? length, CancellationToken cancellationToken)
    {
        var response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            return null;
        }
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    public async Task<(long? Size, string? Error)> SizeAsync(Uri location, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, location);
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, "HTTP datastore could not find image at URI.");
            }
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP URL {location.AbsolutePath} returned a {(int)response.StatusCode} status code.");
            }
            return (response.Content.Headers.ContentLength ?? 0, null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"The HTTP URL is invalid: {e.Message}");
        }
    }

    /// <summary>glance_store's http driver cannot delete; the data stays where it is.</summary>
    public Task DeleteAsync(Uri location, CancellationToken cancellationToken) => Task.CompletedTask;

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
