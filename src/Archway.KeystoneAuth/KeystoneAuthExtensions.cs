using Archway.KeystoneAuth.Caching;
using Archway.KeystoneAuth.Middleware;
using Archway.KeystoneAuth.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Archway.KeystoneAuth;

/// <summary>Adding keystonemiddleware's auth_token to an ASP.NET Core application: one call to register, one to use.</summary>
public static class KeystoneAuthExtensions
{
    /// <summary>The name of the HttpClient that talks to Identity (configure its handler through the returned builder).</summary>
    public const string HttpClientName = "Archway.KeystoneAuth";

    /// <summary>
    /// Registers the middleware with its <c>[keystone_authtoken]</c> options. Tokens are validated over HTTP as the
    /// service user unless the host registers its own <see cref="IKeystoneTokenValidator"/> singleton (before or
    /// after this call). The returned builder configures the HttpClient used for Identity, e.g. its primary handler.
    /// </summary>
    /// <exception cref="KeystoneAuthConfigurationException">The options are unusable; every problem is listed.</exception>
    public static IHttpClientBuilder AddKeystoneAuth(this IServiceCollection services, KeystoneAuthOptions options)
    {
        var problems = options.Validate(needsServiceUser: false);
        if (problems.Count > 0)
        {
            throw new KeystoneAuthConfigurationException(problems);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new KeystoneAuthRegistration(options));
        services.TryAddSingleton<IKeystoneTokenValidator>(sp =>
        {
            var credentialProblems = options.Validate(needsServiceUser: true);
            if (credentialProblems.Count > 0)
            {
                throw new KeystoneAuthConfigurationException(credentialProblems);
            }
            var http = sp.GetRequiredService<IHttpClientFactory>();
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = Logger(sp);
            var tokens = new ServiceTokenSource(http, options, time, logger, Stopping(sp));
            return new HttpTokenValidator(http, tokens, options, time, logger);
        });
        services.TryAddSingleton(sp => new TokenChecker(
            sp.GetRequiredService<IKeystoneTokenValidator>(),
            options,
            sp.GetRequiredService<TimeProvider>(),
            options.RedisServer is null ? null : sp.GetRequiredService<RedisTokenCache>(),
            Stopping(sp)));
        if (options.RedisServer is not null)
        {
            services.TryAddSingleton(sp => new RedisTokenCache(options.RedisServer, Logger(sp)));
        }
        return services.AddHttpClient(HttpClientName, client =>
        {
            if (options.HttpConnectTimeout is { } seconds)
            {
                client.Timeout = TimeSpan.FromSeconds(seconds);
            }
        });
    }

    /// <summary>
    /// Registers the middleware with a <c>[keystone_authtoken]</c> configuration section, e.g. from
    /// <c>builder.Configuration.AddIniFile("myservice.conf").GetSection("keystone_authtoken")</c>: option names as in
    /// the file, values bound as by <see cref="KeystoneAuthOptions.FromSection"/>.
    /// </summary>
    /// <exception cref="KeystoneAuthConfigurationException">The options are unusable; every problem is listed.</exception>
    public static IHttpClientBuilder AddKeystoneAuth(this IServiceCollection services, IConfiguration section) =>
        services.AddKeystoneAuth(KeystoneAuthOptions.FromSection(
            section.GetChildren().Select(option => KeyValuePair.Create(option.Key, option.Value ?? ""))));

    /// <summary>
    /// Puts the middleware in the pipeline. Place it before anything that needs the caller's identity. Resolves its
    /// services at once, so that unusable options fail at start-up rather than on the first request.
    /// </summary>
    /// <exception cref="KeystoneAuthConfigurationException">The options are unusable; every problem is listed.</exception>
    public static IApplicationBuilder UseKeystoneAuth(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var options = (services.GetService<KeystoneAuthRegistration>()
            ?? throw new InvalidOperationException("Call services.AddKeystoneAuth(options) before app.UseKeystoneAuth()")).Options;
        var checker = services.GetRequiredService<TokenChecker>();
        var logger = Logger(services);

        var validator = services.GetRequiredService<IKeystoneTokenValidator>();
        var cache = checker.LocalCache is null
            ? "off"
            : $"in process for {options.TokenCacheTime} s" + (checker.UsesSharedCache ? $" and in Redis {options.RedisServer}" : "");
        Log.Starting(logger, validator is HttpTokenValidator ? $"HTTP to {options.AuthUrl}" : $"in process ({validator.GetType().Name})", cache);
        if (options.MemcachedServers.Count > 0)
        {
            Log.MemcachedNotSupported(logger, string.Join(",", options.MemcachedServers));
        }
        if (options.IgnoredOptions.Count > 0)
        {
            Log.IgnoredOptions(logger, string.Join(", ", options.IgnoredOptions));
        }
        if (options.WwwAuthenticateUri is null)
        {
            Log.NoWwwAuthenticateUri(logger);
        }
        if (!options.ServiceTokenRolesRequired)
        {
            Log.ServiceTokenRolesNotRequired(logger);
        }
        return app.UseMiddleware<KeystoneAuthMiddleware>(checker, options, logger);
    }

    private static ILogger Logger(IServiceProvider services) =>
        (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(Log.Category);

    private static CancellationToken Stopping(IServiceProvider services) =>
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;

    /// <summary>The options as registered, private to the library so that a host's own registrations cannot clash.</summary>
    private sealed record KeystoneAuthRegistration(KeystoneAuthOptions Options);
}
