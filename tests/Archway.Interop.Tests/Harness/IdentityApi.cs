using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Archway.Interop.Tests.Harness;

/// <summary>Direct calls to the server's Identity API, to check what the CLI reported against the server's own view.</summary>
public sealed class IdentityApi : IDisposable
{
    // A client per server run: a pooled connection to a stopped server must not be reused after a restart.
    private readonly HttpClient _http;

    public IdentityApi(string authUrl)
    {
        _http = new HttpClient { BaseAddress = new Uri(authUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// POST /v3/auth/tokens: a project-scoped token for a Default-domain user, or null when refused. For tests that
    /// need a second token without another run of the CLI.
    /// </summary>
    public async Task<string?> IssueTokenAsync(string username, string password, string project)
    {
        var domain = new { name = "Default" };
        var body = new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = username, domain, password } } },
                scope = new { project = new { name = project, domain } },
            },
        };
        using var response = await _http.PostAsJsonAsync("auth/tokens", body);
        return response.StatusCode == HttpStatusCode.Created && response.Headers.TryGetValues("X-Subject-Token", out var values)
            ? values.Single()
            : null;
    }

    /// <summary>GET /v3/auth/tokens: validates <paramref name="subjectToken"/>, authenticated by <paramref name="authToken"/>.</summary>
    public async Task<ApiResponse> ValidateTokenAsync(string authToken, string subjectToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "auth/tokens");
        request.Headers.Add("X-Auth-Token", authToken);
        request.Headers.Add("X-Subject-Token", subjectToken);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiResponse($"GET {request.RequestUri} (X-Subject-Token {subjectToken[..Math.Min(16, subjectToken.Length)]}...)", response.StatusCode, body);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A response from the Identity API, with the request for failure messages.</summary>
public sealed record ApiResponse(string Request, HttpStatusCode Status, string Body)
{
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);

    public string Describe() => $"{Request} -> {(int)Status} {Status}\n{Body}";
}
