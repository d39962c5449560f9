using System.Text.Json;
using Archway.Image.Config;
using Microsoft.AspNetCore.Http;

namespace Archway.Image.Http;

/// <summary>
/// Glance's version negotiation filter (before authentication, as in its paste pipeline): GET /versions answers the
/// version list with 200; a request whose first path segment (or an Accept of
/// <c>application/vnd.openstack.images-vN</c>) names a version Glance Zed serves is rewritten to /v2/...; anything
/// else gets the version list with 300 Multiple Choices.
/// </summary>
internal sealed class VersionNegotiation(RequestDelegate next, GlanceOptions options)
{
    private const string VendorMediaType = "application/vnd.openstack.images-";

    /// <summary>Zed without an image cache or multiple stores: 2.15 is current.</summary>
    private static readonly (string Id, string Status)[] Versions =
    [
        ("v2.15", "CURRENT"), ("v2.9", "SUPPORTED"), ("v2.7", "SUPPORTED"), ("v2.6", "SUPPORTED"),
        ("v2.5", "SUPPORTED"), ("v2.4", "SUPPORTED"), ("v2.3", "SUPPORTED"), ("v2.2", "SUPPORTED"),
        ("v2.1", "SUPPORTED"), ("v2.0", "SUPPORTED"),
    ];

    private static readonly HashSet<string> AllowedPrefixes =
        ["v2", "v2.0", "v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v2.6", "v2.7", "v2.9", "v2.15"];

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? trimmed : trimmed[..slash];
        if (first == "versions")
        {
            return WriteVersionsAsync(context, StatusCodes.Status200OK);
        }
        var accept = context.Request.Headers.Accept.ToString();
        string version;
        string rest;
        if (accept.StartsWith(VendorMediaType, StringComparison.Ordinal))
        {
            version = accept[VendorMediaType.Length..];
            rest = path;
        }
        else
        {
            version = first;
            rest = slash < 0 ? "" : trimmed[slash..];
        }
        if (!AllowedPrefixes.Contains(version))
        {
            return WriteVersionsAsync(context, StatusCodes.Status300MultipleChoices);
        }
        context.Request.Path = "/v2" + rest;
        return next(context);
    }

    private async Task WriteVersionsAsync(HttpContext context, int status)
    {
        var baseUrl = GlanceUrls.BaseUrl(context.Request, options);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("versions");
        foreach (var (id, state) in Versions)
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("status", state);
            writer.WriteStartArray("links");
            writer.WriteStartObject();
            writer.WriteString("rel", "self");
            writer.WriteString("href", baseUrl + "/v2/");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
