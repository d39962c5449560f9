using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>A JSON answer written straight to the response pipe, with the extra headers Glance sends beside some.</summary>
internal sealed class JsonResponse(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK) : IResult
{
    /// <summary>Glance writes with json.dumps(ensure_ascii=False): quotes, &lt;, &gt; and non-ASCII text as they are.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }
        await using var writer = new Utf8JsonWriter(response.BodyWriter, Options);
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

/// <summary>Fixed bytes (a schema document), written as application/json.</summary>
internal sealed class JsonBytesResponse(byte[] body) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
