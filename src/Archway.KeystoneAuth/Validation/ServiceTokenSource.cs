using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Validation;

/// <summary>The service user's own token and the Identity endpoint to validate tokens at (from its catalog).</summary>
internal sealed record ServiceToken(string Id, DateTimeOffset ExpiresAt, string IdentityEndpoint);

/// <summary>
/// Logs in as the service user (password, project-scoped) and keeps the token fresh: a token with less than
/// <see cref="RenewBefore"/> left is replaced before use, and one that Identity rejects is dropped by
/// <see cref="Invalidate"/>. Concurrent callers share one login.
/// </summary>
internal sealed class ServiceTokenSource
{
    /// <summary>keystoneauth's MIN_TOKEN_LIFE_SECONDS.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(120);

    private readonly IHttpClientFactory _http;
    private readonly KeystoneAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _lock = new();
    private ServiceToken? _current;
    private Task<ServiceToken>? _login;

    public ServiceTokenSource(IHttpClientFactory http, KeystoneAuthOptions options, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        AuthUrl = VersionedUrl(options.AuthUrl!);
    }

    /// <summary>auth_url with the /v3 path that keystoneauth would discover.</summary>
    public string AuthUrl { get; }

    /// <exception cref="IdentityUnavailableException">The service user could not log in.</exception>
    public async ValueTask<ServiceToken> GetAsync(CancellationToken cancellationToken)
    {
        Task<ServiceToken> login;
        lock (_lock)
        {
            if (_current is { } current && _time.GetUtcNow() < current.ExpiresAt - RenewBefore)
            {
                return current;
            }
            _login ??= LoginAndPublishAsync();
            login = _login;
        }
        return await login.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets <paramref name="rejected"/>, unless another caller has already replaced it.</summary>
    public void Invalidate(ServiceToken rejected)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_current, rejected))
            {
                _current = null;
            }
        }
    }

    private async Task<ServiceToken> LoginAndPublishAsync()
    {
        try
        {
            var token = await LoginAsync(_stopping);
            lock (_lock)
            {
                _current = token;
            }
            return token;
        }
        finally
        {
            lock (_lock)
            {
                _login = null;
            }
        }
    }

    private async Task<ServiceToken> LoginAsync(CancellationToken cancellationToken)
    {
        var body = LoginBody();
        var url = AuthUrl + "/auth/tokens";
        using var response = await IdentityHttp.SendAsync(
            _http.CreateClient(KeystoneAuthExtensions.HttpClientName),
            () => new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            },
            _options.HttpRequestMaxRetries, _time, _logger, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new IdentityUnavailableException(
                $"Identity at {AuthUrl} rejected the service user's credentials (401): check username, password, project and domains in [keystone_authtoken]");
        }
        if (response.StatusCode != HttpStatusCode.Created && response.StatusCode != HttpStatusCode.OK)
        {
            throw new IdentityUnavailableException($"Identity at {AuthUrl} answered {(int)response.StatusCode} to the service user's login");
        }
        var id = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
        byte[] content;
        try
        {
            content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new IdentityUnavailableException($"Identity at {AuthUrl} broke off its answer to the service user's login: {e.Message}", e);
        }
        if (string.IsNullOrEmpty(id) || KeystoneTokenJson.Parse(content) is not { } token)
        {
            throw new IdentityUnavailableException($"Identity at {AuthUrl} answered the service user's login without a token");
        }
        var endpoint = PickEndpoint(token);
        Log.LoggedIn(_logger, AuthUrl, token.ExpiresAt, endpoint);
        return new ServiceToken(id, token.ExpiresAt, endpoint);
    }

    /// <summary>
    /// The identity endpoint of the configured interface (and region_name, if set) from the service user's catalog,
    /// as keystoneauth's adapter picks it; auth_url when the catalog has none.
    /// </summary>
    private string PickEndpoint(KeystoneToken token)
    {
        foreach (var service in token.Catalog ?? [])
        {
            if (service.Type != "identity")
            {
                continue;
            }
            foreach (var endpoint in service.Endpoints)
            {
                if (string.Equals(endpoint.Interface, _options.Interface, StringComparison.OrdinalIgnoreCase)
                    && (_options.RegionName is null || endpoint.Region == _options.RegionName)
                    && Uri.TryCreate(endpoint.Url, UriKind.Absolute, out _))
                {
                    return VersionedUrl(endpoint.Url);
                }
            }
        }
        Log.NoCatalogEndpoint(_logger, _options.Interface, _options.RegionName is null ? "" : " in region " + _options.RegionName, AuthUrl);
        return AuthUrl;
    }

    /// <summary>Keystone's password auth body, scoped to the service project (or domain, or system).</summary>
    private byte[] LoginBody()
    {
        var o = _options;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("auth");
            writer.WriteStartObject("identity");
            writer.WriteStartArray("methods");
            writer.WriteStringValue("password");
            writer.WriteEndArray();
            writer.WriteStartObject("password");
            writer.WriteStartObject("user");
            if (o.UserId is not null)
            {
                writer.WriteString("id", o.UserId);
            }
            else
            {
                writer.WriteString("name", o.Username);
                WriteDomain(writer, o.UserDomainId ?? o.DefaultDomainId, o.UserDomainName ?? o.DefaultDomainName);
            }
            writer.WriteString("password", o.Password);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("scope");
            writer.WriteStartObject("project");
            if (o.ProjectId is not null)
            {
                writer.WriteString("id", o.ProjectId);
            }
            else
            {
                writer.WriteString("name", o.ProjectName);
                WriteDomain(writer, o.ProjectDomainId ?? o.DefaultDomainId, o.ProjectDomainName ?? o.DefaultDomainName);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void WriteDomain(Utf8JsonWriter writer, string? id, string? name)
    {
        if (id is null && name is null)
        {
            return;
        }
        writer.WriteStartObject("domain");
        if (id is not null)
        {
            writer.WriteString("id", id);
        }
        else
        {
            writer.WriteString("name", name);
        }
        writer.WriteEndObject();
    }

    /// <summary>http://controller:5000 and http://controller:5000/v3/ both become http://controller:5000/v3.</summary>
    internal static string VersionedUrl(string url)
    {
        var trimmed = url.TrimEnd('/');
        return trimmed.EndsWith("/v3", StringComparison.OrdinalIgnoreCase) ? trimmed : trimmed + "/v3";
    }
}
