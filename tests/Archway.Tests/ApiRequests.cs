using System.Net;
using System.Text;
using System.Text.Json;

namespace Archway.Tests;

/// <summary>Authenticated JSON requests to the Identity API, for the tests of its resource APIs.</summary>
public static class ApiRequests
{
    /// <summary>Sends <paramref name="json"/> (raw JSON text, or none) with X-Auth-Token <paramref name="token"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(this IdentityServer server, HttpMethod method, string path, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return await server.Client.SendAsync(request);
    }

    /// <summary>Sends the request and asserts its status, showing the body when it differs; returns the body (default for none).</summary>
    public static async Task<JsonElement> ExpectAsync(this IdentityServer server, HttpStatusCode status, HttpMethod method, string path, string token, string? json = null)
    {
        using var response = await server.SendAsync(method, path, token, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path} -> {(int)response.StatusCode}, expected {(int)status}\n{text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a Keystone error body: its status, code and exact message.</summary>
    public static async Task ExpectErrorAsync(this IdentityServer server, HttpStatusCode status, string message, HttpMethod method, string path, string token, string? json = null)
    {
        var body = await server.ExpectAsync(status, method, path, token, json);
        var error = body.GetProperty("error");
        Assert.Equal((int)status, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
