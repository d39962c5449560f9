namespace Archway.KeystoneAuth;

/// <summary>
/// The <c>[keystone_authtoken]</c> options, with keystonemiddleware's names and defaults. Build one by hand or with
/// <see cref="FromSection"/> from the section of a glance-api.conf-form file.
/// </summary>
public sealed record KeystoneAuthOptions
{
    /// <summary>Public Identity endpoint sent to clients in <c>WWW-Authenticate</c>; falls back to auth_uri, then auth_url.</summary>
    public string? WwwAuthenticateUri { get; init; }

    /// <summary>Where the service user logs in, e.g. http://controller:5000 or http://controller:5000/v3.</summary>
    public string? AuthUrl { get; init; }

    /// <summary>Only "password" is supported (the guide's choice).</summary>
    public string AuthType { get; init; } = "password";

    public string? Username { get; init; }
    public string? UserId { get; init; }
    public string? Password { get; init; }
    public string? UserDomainName { get; init; }
    public string? UserDomainId { get; init; }
    public string? ProjectName { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectDomainName { get; init; }
    public string? ProjectDomainId { get; init; }

    /// <summary>Used for the user's and project's domain when neither its id nor its name is given.</summary>
    public string? DefaultDomainId { get; init; }

    public string? DefaultDomainName { get; init; }

    /// <summary>Region of the Identity endpoint picked from the service user's catalog; null takes any region.</summary>
    public string? RegionName { get; init; }

    /// <summary>Interface of the Identity endpoint picked from the catalog: public, internal (default) or admin.</summary>
    public string Interface { get; init; } = "internal";

    /// <summary>
    /// memcached servers (host:port). Not spoken by this library: a start-up warning says so and the in-process
    /// cache is used; set <see cref="RedisServer"/> for a shared cache.
    /// </summary>
    public IReadOnlyList<string> MemcachedServers { get; init; } = [];

    /// <summary>
    /// Archway's shared token cache: a StackExchange.Redis configuration string such as <c>127.0.0.1:6379</c>.
    /// Null means the in-process cache only.
    /// </summary>
    public string? RedisServer { get; init; }

    /// <summary>A service token passes the role check when it has any of these roles.</summary>
    public IReadOnlyList<string> ServiceTokenRoles { get; init; } = ["service"];

    /// <summary>Whether a service token without one of <see cref="ServiceTokenRoles"/> is rejected (else only logged).</summary>
    public bool ServiceTokenRolesRequired { get; init; }

    /// <summary>Let requests without a valid token go on, marked <c>X-Identity-Status: Invalid</c>.</summary>
    public bool DelayAuthDecision { get; init; }

    /// <summary>Seconds a validation result is cached, never past the token's own expiry; -1 (or 0) disables caching.</summary>
    public int TokenCacheTime { get; init; } = 300;

    /// <summary>Whether to ask for the catalog when validating and to set <c>X-Service-Catalog</c>.</summary>
    public bool IncludeServiceCatalog { get; init; } = true;

    /// <summary>Seconds one request to Identity may take; null means HttpClient's default (100 s).</summary>
    public int? HttpConnectTimeout { get; init; }

    /// <summary>How many times a request that could not connect to Identity is retried (0.5 s, then doubling).</summary>
    public int HttpRequestMaxRetries { get; init; } = 3;

    /// <summary>Archway's bound on the in-process cache, in tokens (keystonemiddleware's is unbounded).</summary>
    public int TokenCacheSize { get; init; } = 10_000;

    /// <summary>Options in the section that this library does not act on (TLS files, token binding, ...): named in a start-up warning.</summary>
    public IReadOnlyList<string> IgnoredOptions { get; init; } = [];

    /// <summary>The URI clients are sent to in <c>WWW-Authenticate</c>.</summary>
    public string EffectiveWwwAuthenticateUri => WwwAuthenticateUri ?? AuthUrl ?? "";

    /// <summary>
    /// Binds a <c>[keystone_authtoken]</c> section given as option name → value (names as in the file, values
    /// unparsed). Every bad value is reported at once in one <see cref="KeystoneAuthConfigurationException"/>.
    /// </summary>
    public static KeystoneAuthOptions FromSection(IEnumerable<KeyValuePair<string, string>> section) =>
        KeystoneAuthOptionsBinder.Bind(section);

    /// <summary>Every problem with these options, empty when they are usable. The HTTP transport needs credentials.</summary>
    public IReadOnlyList<string> Validate(bool needsServiceUser)
    {
        var problems = new List<string>();
        if (!string.Equals(AuthType, "password", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"auth_type '{AuthType}' is not supported; use auth_type = password");
        }
        if (TokenCacheTime < -1)
        {
            problems.Add($"token_cache_time must be -1 or more, not {TokenCacheTime}");
        }
        if (TokenCacheSize < 1)
        {
            problems.Add($"token_cache_size must be at least 1, not {TokenCacheSize}");
        }
        if (HttpRequestMaxRetries < 0)
        {
            problems.Add($"http_request_max_retries must be 0 or more, not {HttpRequestMaxRetries}");
        }
        if (HttpConnectTimeout is <= 0)
        {
            problems.Add($"http_connect_timeout must be a positive number of seconds, not {HttpConnectTimeout}");
        }
        if (Interface is not ("public" or "internal" or "admin"))
        {
            problems.Add($"interface must be public, internal or admin, not '{Interface}'");
        }
        if (WwwAuthenticateUri is not null && !Uri.TryCreate(WwwAuthenticateUri, UriKind.Absolute, out _))
        {
            problems.Add($"www_authenticate_uri '{WwwAuthenticateUri}' is not an absolute URL");
        }
        if (needsServiceUser)
        {
            if (string.IsNullOrEmpty(AuthUrl))
            {
                problems.Add("auth_url is required to validate tokens over HTTP");
            }
            else if (!Uri.TryCreate(AuthUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"auth_url '{AuthUrl}' is not an http(s) URL");
            }
            if (string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(UserId))
            {
                problems.Add("username (or user_id) is required to validate tokens over HTTP");
            }
            if (Password is null)
            {
                problems.Add("password is required to validate tokens over HTTP");
            }
            if (string.IsNullOrEmpty(ProjectName) && string.IsNullOrEmpty(ProjectId))
            {
                problems.Add("project_name (or project_id) is required: the service user logs in project-scoped");
            }
        }
        return problems;
    }
}
