using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>A JSON response written straight to the response pipe; HEAD gets the headers only.</summary>
internal sealed class JsonResult(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
