using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Validation;

/// <summary>Sends one request to Identity, retrying connection failures as keystoneauth's connect_retries does.</summary>
internal static class IdentityHttp
{
    /// <summary>keystoneauth's first connect retry delay; each retry doubles it, up to a minute.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(0.5);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    /// <exception cref="IdentityUnavailableException">Identity could not be reached, or did not answer in time.</exception>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, Func<HttpRequestMessage> request, int retries, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var message = request();
            try
            {
                return await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < retries && IsConnectFailure(e))
            {
                Log.Retrying(logger, Describe(message), e.Message, attempt + 1, retries, delay);
            }
            catch (HttpRequestException e)
            {
                throw new IdentityUnavailableException($"cannot reach {Describe(message)}: {e.Message}", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IdentityUnavailableException($"no answer from {Describe(message)} within {client.Timeout.TotalSeconds:0.#} s", e);
            }
            await Task.Delay(delay, time, cancellationToken);
            delay = delay * 2 > MaxRetryDelay ? MaxRetryDelay : delay * 2;
        }
    }

    /// <summary>Only failures to connect are retried: a request that reached Identity may have had an effect.</summary>
    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        || e.InnerException is SocketException;

    private static string Describe(HttpRequestMessage message) =>
        message.RequestUri is { } uri ? uri.GetLeftPart(UriPartial.Path) : "Identity";
}
