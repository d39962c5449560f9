using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth;

/// <summary>Every log line of the library, under the category <c>Archway.KeystoneAuth</c>.</summary>
internal static partial class Log
{
    public const string Category = "Archway.KeystoneAuth";

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting Keystone auth_token middleware: {Transport}, cache {Cache}")]
    public static partial void Starting(ILogger logger, string transport, string cache);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "memcached_servers is set ({Servers}) but Archway.KeystoneAuth does not speak memcached: tokens are cached in process only. Set redis_server in [keystone_authtoken] for a cache shared between processes.")]
    public static partial void MemcachedNotSupported(ILogger logger, string servers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[keystone_authtoken] options not used by Archway.KeystoneAuth: {Options}")]
    public static partial void IgnoredOptions(ILogger logger, string options);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Configuring www_authenticate_uri to point to the public identity endpoint is required; clients may not be able to authenticate against an admin endpoint")]
    public static partial void NoWwwAuthenticateUri(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "AuthToken middleware is set with keystone_authtoken.service_token_roles_required set to False. This is backwards compatible but deprecated behaviour. Please set this to True.")]
    public static partial void ServiceTokenRolesNotRequired(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A valid service token was passed without any of the roles in service_token_roles; accepted for backwards compatibility (set service_token_roles_required = true to reject it)")]
    public static partial void ServiceTokenWithoutRole(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Unable to validate token: the Identity service is unavailable ({Reason}); answering 503, not 401")]
    public static partial void IdentityUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unable to validate token: the Identity service is unavailable ({Reason}); delay_auth_decision is set, so the request goes on marked Invalid")]
    public static partial void IdentityUnavailableDeferred(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invalid {Which} token: {Reason}")]
    public static partial void InvalidToken(ILogger logger, string which, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejecting request to {Path}: 401")]
    public static partial void Rejecting(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged in to {AuthUrl} as the service user; token expires at {ExpiresAt:O}; validating tokens at {Endpoint}")]
    public static partial void LoggedIn(ILogger logger, string authUrl, DateTimeOffset expiresAt, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No {Interface} identity endpoint{Region} in the service user's catalog; validating tokens at auth_url {AuthUrl}")]
    public static partial void NoCatalogEndpoint(ILogger logger, string @interface, string region, string authUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity rejected the service token (401); logging in again and retrying once")]
    public static partial void ServiceTokenRejected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach Identity at {Url} ({Reason}); retry {Attempt} of {Retries} in {Delay}")]
    public static partial void Retrying(ILogger logger, string url, string reason, int attempt, int retries, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared token cache (Redis {Server}) failed; going on without it until it answers again")]
    public static partial void SharedCacheFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The shared token cache (Redis {Server}) answers again")]
    public static partial void SharedCacheRecovered(ILogger logger, string server);
}
