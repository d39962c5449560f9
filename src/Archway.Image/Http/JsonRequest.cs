using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>
/// Glance's JSONRequestDeserializer: a body must be there (a Content-Length above zero or chunked), be JSON, and be
/// an object or an array. The Content-Type is not checked, as Glance does not check it either.
/// </summary>
internal static class JsonRequest
{
    /// <summary>
    /// Glance has no size limit on metadata bodies; Archway bounds them so that a client cannot make it buffer
    /// without end. No image document comes near this.
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<(JsonElement Body, GlanceError? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var chunked = request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase);
        if (!chunked && request.ContentLength is null or 0)
        {
            return (default, GlanceError.BadRequest("Body expected in request."));
        }
        if (request.ContentLength > MaxBytes)
        {
            return (default, GlanceError.TooLarge("Request is too large."));
        }
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
            {
                return (default, GlanceError.TooLarge("Request is too large."));
            }
        }
        if (buffer.WrittenCount == 0)
        {
            return (default, GlanceError.BadRequest("Body expected in request."));
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return (default, GlanceError.BadRequest("Unexpected body type. Expected list/dict."));
            }
            return (root.Clone(), null);
        }
        catch (JsonException)
        {
            return (default, GlanceError.BadRequest("Malformed JSON in request body."));
        }
    }
}
