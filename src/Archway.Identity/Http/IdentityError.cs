using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>
/// An expected failure with Keystone's status code, title and message; written as Keystone writes errors:
/// <c>{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}</c>.
/// </summary>
internal sealed record IdentityError(int Code, string Title, string Message) : IResult
{
    public static IdentityError Unauthorized(string message = "The request you have made requires authentication.") =>
        new(401, "Unauthorized", message);

    public static IdentityError Forbidden(string message = "You are not authorized to perform the requested action.") =>
        new(403, "Forbidden", message);

    public static IdentityError NotFound(string message) => new(404, "Not Found", message);

    public static IdentityError TokenNotFound(string message = "Failed to validate token") => NotFound(message);

    public static IdentityError BadRequest(string message) => new(400, "Bad Request", message);

    /// <summary>Keystone's ValidationError wording, for a missing or malformed part of a request.</summary>
    public static IdentityError Validation(string attribute, string target) => BadRequest(
        $"Expecting to find {attribute} in {target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");

    /// <summary>
    /// Keystone's SchemaValidationError: "Invalid input for field 'path': message", or the bare message when the
    /// problem is at the top of the document (a missing required property).
    /// </summary>
    public static IdentityError Schema(string path, string message) =>
        BadRequest(path.Length == 0 ? message : $"Invalid input for field '{path}': {message}");

    public static IdentityError Conflict(string type, string details) =>
        new(409, "Conflict", $"Conflict occurred attempting to store {type} - {details}.");

    /// <summary>Keystone's StringLengthExceeded: a value longer than its SQL column, found as the row is built.</summary>
    public static IdentityError StringLengthExceeded(string value, string column, int length) => BadRequest(
        $"String length exceeded. The length of string '{value}' exceeds the limit of column {column}(CHAR({length})).");

    public static IdentityError TooLarge() => new(413, "Request Entity Too Large", "Request is too large.");

    /// <summary>The database cannot be reached (an outage passes; the request may be retried).</summary>
    public static IdentityError DatabaseUnavailable() => new(503, "Service Unavailable",
        "The Identity database is unavailable (cannot connect, or the connection was lost). Please try again later.");

    public static IdentityError UnsupportedMethod() =>
        Unauthorized("Attempted to authenticate with an unsupported method.");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Code;
        response.ContentType = "application/json";
        if (Code == 401)
        {
            response.Headers.WWWAuthenticate = $"Keystone uri=\"{IdentityUrls.BaseUrl(httpContext)}\"";
        }
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteNumber("code", Code);
        writer.WriteString("title", Title);
        writer.WriteString("message", Message);
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
