using System.Globalization;

namespace Archway.KeystoneAuth;

/// <summary>Reads a <c>[keystone_authtoken]</c> section the way oslo.config would, collecting every bad value.</summary>
internal static class KeystoneAuthOptionsBinder
{
    public static KeystoneAuthOptions Bind(IEnumerable<KeyValuePair<string, string>> section)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in section)
        {
            values[name.Trim().Replace('-', '_')] = value;
        }
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        string? Text(string name, string? deprecatedName = null)
        {
            foreach (var candidate in deprecatedName is null ? [name] : new[] { name, deprecatedName })
            {
                if (values.TryGetValue(candidate, out var value))
                {
                    used.Add(candidate);
                    value = value.Trim();
                    return value.Length == 0 ? null : value;
                }
            }
            return null;
        }

        // Passwords keep their spaces: oslo.config only strips the line's ends.
        string? Secret(string name)
        {
            if (values.TryGetValue(name, out var value))
            {
                used.Add(name);
                return value;
            }
            return null;
        }

        bool Boolean(string name, bool fallback)
        {
            var text = Text(name);
            if (text is null)
            {
                return fallback;
            }
            switch (text.ToLowerInvariant())
            {
                case "true" or "1" or "yes" or "on":
                    return true;
                case "false" or "0" or "no" or "off":
                    return false;
                default:
                    problems.Add($"{name}: '{text}' is not a boolean (true/false)");
                    return fallback;
            }
        }

        int? Integer(string name)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            problems.Add($"{name}: '{text}' is not an integer");
            return null;
        }

        IReadOnlyList<string>? List(string name, string? deprecatedName = null) =>
            Text(name, deprecatedName)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        var defaults = new KeystoneAuthOptions();
        var options = new KeystoneAuthOptions
        {
            WwwAuthenticateUri = Text("www_authenticate_uri", "auth_uri"),
            AuthUrl = Text("auth_url"),
            AuthType = Text("auth_type", "auth_plugin") ?? defaults.AuthType,
            Username = Text("username", "user_name"),
            UserId = Text("user_id"),
            Password = Secret("password"),
            UserDomainName = Text("user_domain_name"),
            UserDomainId = Text("user_domain_id"),
            ProjectName = Text("project_name", "tenant_name"),
            ProjectId = Text("project_id", "tenant_id"),
            ProjectDomainName = Text("project_domain_name"),
            ProjectDomainId = Text("project_domain_id"),
            DefaultDomainId = Text("default_domain_id"),
            DefaultDomainName = Text("default_domain_name"),
            RegionName = Text("region_name"),
            Interface = Text("interface")?.ToLowerInvariant() switch
            {
                null => defaults.Interface,
                var face => face.EndsWith("url", StringComparison.Ordinal) ? face[..^3] : face,
            },
            MemcachedServers = List("memcached_servers", "memcache_servers") ?? [],
            RedisServer = Text("redis_server"),
            ServiceTokenRoles = List("service_token_roles") ?? defaults.ServiceTokenRoles,
            ServiceTokenRolesRequired = Boolean("service_token_roles_required", defaults.ServiceTokenRolesRequired),
            DelayAuthDecision = Boolean("delay_auth_decision", defaults.DelayAuthDecision),
            TokenCacheTime = Integer("token_cache_time") ?? defaults.TokenCacheTime,
            IncludeServiceCatalog = Boolean("include_service_catalog", defaults.IncludeServiceCatalog),
            HttpConnectTimeout = Integer("http_connect_timeout"),
            HttpRequestMaxRetries = Integer("http_request_max_retries") ?? defaults.HttpRequestMaxRetries,
            TokenCacheSize = Integer("token_cache_size") ?? defaults.TokenCacheSize,
        };

        // oslo.config ignores options it does not know; so do we, but name them (TLS client settings, token binding,
        // access rules and memcache pool tuning are among keystonemiddleware's that this library does not act on).
        var ignored = new List<string>();
        foreach (var name in values.Keys)
        {
            if (!used.Contains(name))
            {
                ignored.Add(name);
            }
        }
        options = options with { IgnoredOptions = ignored };
        problems.AddRange(options.Validate(needsServiceUser: false));
        if (problems.Count > 0)
        {
            throw new KeystoneAuthConfigurationException(problems);
        }
        return options;
    }
}
