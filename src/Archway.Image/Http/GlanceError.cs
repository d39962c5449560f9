using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>
/// An expected failure, written as Glance writes its webob errors: the body follows the request's Accept header
/// (HTML, <c>{"message", "code", "title"}</c> JSON with a code like "404 Not Found", or plain text), the message
/// is webob's "explanation&lt;br /&gt;&lt;br /&gt;" template, and some errors carry headers (Allow, Accept-Patch).
/// </summary>
internal sealed record GlanceError(int Code, string Explanation, GlanceErrorTemplate Template = GlanceErrorTemplate.Default) : IResult
{
    /// <summary>Response headers the error carries (Allow on 405, Accept-Patch on 415).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public static GlanceError BadRequest(string explanation) => new(400, explanation);

    public static GlanceError Unauthorized() => new(401,
        "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.");

    public static GlanceError Forbidden(string explanation = "Access was denied to this resource.") => new(403, explanation);

    public static GlanceError NotFound(string explanation = "The resource could not be found.") => new(404, explanation);

    public static GlanceError MethodNotAllowed(string allow) =>
        new(405, "", GlanceErrorTemplate.MethodNotAllowed) { Headers = [KeyValuePair.Create("Allow", allow)] };

    public static GlanceError Conflict(string explanation) => new(409, explanation);

    public static GlanceError Gone(string explanation) => new(410, explanation);

    public static GlanceError TooLarge(string explanation) => new(413, explanation);

    public static GlanceError UnsupportedMediaType(string explanation = "", IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(415, explanation, explanation.Length == 0 ? GlanceErrorTemplate.UnsupportedMediaType : GlanceErrorTemplate.Default) { Headers = headers ?? [] };

    public static GlanceError RangeNotSatisfiable(string explanation = "The Range requested is not available.") => new(416, explanation);

    public static GlanceError Internal() =>
        new(500, "The server has either erred or is incapable of performing the requested operation.");

    public static GlanceError ServiceUnavailable(string explanation) => new(503, explanation);

    public string Title => Code switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        416 => "Request Range Not Satisfiable",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(Code),
    };

    /// <summary>The message as webob renders it for JSON (HTML tags kept, as Glance sends them).</summary>
    public string Message(HttpRequest request) => Template switch
    {
        GlanceErrorTemplate.MethodNotAllowed => $"The method {request.Method} is not allowed for this resource. <br /><br />\n",
        GlanceErrorTemplate.UnsupportedMediaType =>
            $"The request media type {(string.IsNullOrEmpty(request.ContentType) ? "${CONTENT_TYPE}" : request.ContentType)} is not supported by this server.\n<br /><br />\n",
        _ => Explanation + "<br /><br />\n\n\n",
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        response.StatusCode = Code;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }
        var status = $"{Code} {Title}";
        var message = Message(request);
        byte[] body;
        switch (AcceptNegotiation.Choose(request.Headers.Accept.ToString()))
        {
            case ErrorFormat.Html:
                response.ContentType = "text/html; charset=UTF-8";
                body = Encoding.UTF8.GetBytes(
                    $"<html>\n <head>\n  <title>{status}</title>\n </head>\n <body>\n  <h1>{status}</h1>\n  {HtmlEscape(message)}\n </body>\n</html>");
                break;
            case ErrorFormat.Json:
                response.ContentType = "application/json";
                using (var stream = new MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(stream, JsonResponse.Options))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("message", message);
                        writer.WriteString("code", status);
                        writer.WriteString("title", Title);
                        writer.WriteEndObject();
                    }
                    body = stream.ToArray();
                }
                break;
            default:
                response.ContentType = "text/plain; charset=UTF-8";
                body = Encoding.UTF8.GetBytes($"{status}\n\n{StripTags(message)}");
                break;
        }
        if (HttpMethods.IsHead(request.Method))
        {
            return;
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    /// <summary>webob's strip_tags: newlines become spaces, &lt;br&gt; becomes a newline, other tags go.</summary>
    private static string StripTags(string html)
    {
        var text = html.Replace("\n", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal)
            .Replace("<br />", "\n", StringComparison.Ordinal);
        var plain = new StringBuilder(text.Length);
        var inTag = false;
        foreach (var c in text)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>' && inTag)
            {
                inTag = false;
            }
            else if (!inTag)
            {
                plain.Append(c);
            }
        }
        return plain.ToString();
    }

    /// <summary>The message is Glance's own text; only the explanation part could hold a user's input.</summary>
    private static string HtmlEscape(string message) =>
        message.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<br /><br />", "\u0001", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\u0001", "<br /><br />", StringComparison.Ordinal);
}

internal enum GlanceErrorTemplate
{
    Default,
    MethodNotAllowed,
    UnsupportedMediaType,
}
