using Archway.KeystoneAuth.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Tests;

public sealed class KeystoneAuthOptionsTests
{
    /// <summary>The [keystone_authtoken] section of the install guide's glance-api.conf, verbatim.</summary>
    private static readonly Dictionary<string, string> GuideSection = new()
    {
        ["www_authenticate_uri"] = "http://controller:5000",
        ["auth_url"] = "http://controller:5000",
        ["memcached_servers"] = "controller:11211",
        ["auth_type"] = "password",
        ["project_domain_name"] = "Default",
        ["user_domain_name"] = "Default",
        ["project_name"] = "service",
        ["username"] = "glance",
        ["password"] = "GLANCE_PASS",
    };

    [Fact]
    public void The_guides_section_binds_with_keystonemiddlewares_defaults_for_the_rest()
    {
        var options = KeystoneAuthOptions.FromSection(GuideSection);

        Assert.Equal("http://controller:5000", options.WwwAuthenticateUri);
        Assert.Equal("http://controller:5000", options.AuthUrl);
        Assert.Equal(["controller:11211"], options.MemcachedServers);
        Assert.Equal("password", options.AuthType);
        Assert.Equal("Default", options.ProjectDomainName);
        Assert.Equal("Default", options.UserDomainName);
        Assert.Equal("service", options.ProjectName);
        Assert.Equal("glance", options.Username);
        Assert.Equal("GLANCE_PASS", options.Password);
        Assert.Equal(["service"], options.ServiceTokenRoles);
        Assert.False(options.ServiceTokenRolesRequired);
        Assert.False(options.DelayAuthDecision);
        Assert.Equal(300, options.TokenCacheTime);
        Assert.True(options.IncludeServiceCatalog);
        Assert.Equal("internal", options.Interface);
        Assert.Null(options.RegionName);
        Assert.Null(options.RedisServer);
        Assert.Empty(options.IgnoredOptions);
        Assert.Empty(options.Validate(needsServiceUser: true));
    }

    [Fact]
    public void Values_are_parsed_as_oslo_config_would()
    {
        var options = KeystoneAuthOptions.FromSection(new Dictionary<string, string>
        {
            ["auth_uri"] = "http://public:5000",
            ["memcache_servers"] = "a:11211, b:11211",
            ["service_token_roles"] = "service, admin",
            ["service_token_roles_required"] = "True",
            ["delay_auth_decision"] = "yes",
            ["token_cache_time"] = "-1",
            ["include_service_catalog"] = "false",
            ["region_name"] = "RegionTwo",
            ["interface"] = "publicURL",
            ["redis_server"] = "127.0.0.1:6379",
            ["cafile"] = "/etc/ssl/ca.pem",
        });

        Assert.Equal("http://public:5000", options.WwwAuthenticateUri);
        Assert.Equal(["a:11211", "b:11211"], options.MemcachedServers);
        Assert.Equal(["service", "admin"], options.ServiceTokenRoles);
        Assert.True(options.ServiceTokenRolesRequired);
        Assert.True(options.DelayAuthDecision);
        Assert.Equal(-1, options.TokenCacheTime);
        Assert.False(options.IncludeServiceCatalog);
        Assert.Equal("RegionTwo", options.RegionName);
        Assert.Equal("public", options.Interface);
        Assert.Equal("127.0.0.1:6379", options.RedisServer);
        Assert.Equal(["cafile"], options.IgnoredOptions);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once()
    {
        var error = Assert.Throws<KeystoneAuthConfigurationException>(() => KeystoneAuthOptions.FromSection(new Dictionary<string, string>
        {
            ["auth_type"] = "v3token",
            ["token_cache_time"] = "five minutes",
            ["delay_auth_decision"] = "maybe",
            ["interface"] = "private",
        }));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.Contains("auth_type", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("token_cache_time", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("delay_auth_decision", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("interface", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_service_credentials_fail_at_start_up_with_every_problem()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddKeystoneAuth(new KeystoneAuthOptions { WwwAuthenticateUri = "http://controller:5000" });
        await using var app = builder.Build();

        var error = Assert.Throws<KeystoneAuthConfigurationException>(() => app.UseKeystoneAuth());

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("auth_url", error.Message, StringComparison.Ordinal);
        Assert.Contains("username", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
        Assert.Contains("project_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Memcached_servers_start_with_a_warning_that_redis_is_the_shared_cache()
    {
        await using var identity = await IdentityHost.StartAsync();
        var options = KeystoneAuthOptions.FromSection(GuideSection) with
        {
            AuthUrl = identity.Url,
            Password = IdentityHost.GlancePassword,
            HttpRequestMaxRetries = 0,
        };
        await using var api = await ProtectedApi.StartAsync(options, identity);

        Assert.True(api.Logs.Contains(LogLevel.Warning, "does not speak memcached"), api.Logs.Dump());
        Assert.True(api.Logs.Contains(LogLevel.Warning, "redis_server"), api.Logs.Dump());
        // And the guide's configuration works: tokens are cached in process.
        Assert.Equal("demo", (await api.WhoAmIAsync(await identity.DemoTokenAsync())).Header("X-User-Name"));
    }
}
