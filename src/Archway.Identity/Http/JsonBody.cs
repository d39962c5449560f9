using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>
/// Reads a JSON request body as Keystone's json_body middleware accepts it: Content-Type application/json (or none),
/// at most [oslo_middleware] max_request_body_size bytes, valid JSON of an object.
/// </summary>
internal static class JsonBody
{
    public static async Task<(JsonDocument? Document, IdentityError? Error)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType)
            && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, IdentityError.Validation("application/json", "Content-Type header"));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, IdentityError.TooLarge());
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        return (null, IdentityError.TooLarge());
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > maxBytes)
                {
                    return (null, IdentityError.TooLarge());
                }
            }
            if (length == 0)
            {
                return (null, IdentityError.Validation("valid JSON", "request body"));
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.AsMemory(0, length).ToArray());
            }
            catch (JsonException)
            {
                return (null, IdentityError.Validation("valid JSON", "request body"));
            }
            // Keystone's json_body refuses JSON that does not load as a dict with the same message.
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, IdentityError.Validation("valid JSON", "request body"));
            }
            return (document, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
