using System.Net;
using Microsoft.Extensions.Logging;

namespace Archway.KeystoneAuth.Validation;

/// <summary>
/// The HTTP transport: GET /v3/auth/tokens with the service user's token as X-Auth-Token and the client's as
/// X-Subject-Token. 404 means invalid; 401 means the service token went bad, so it logs in again and retries once
/// (keystonemiddleware's verify_token); anything else, or no answer, means Identity is unavailable.
/// </summary>
internal sealed class HttpTokenValidator(
    IHttpClientFactory http, ServiceTokenSource serviceTokens, KeystoneAuthOptions options, TimeProvider time, ILogger logger)
    : IKeystoneTokenValidator
{
    public bool Cacheable => true;

    public async ValueTask<TokenValidation> ValidateAsync(string token, bool includeCatalog, bool allowExpired, CancellationToken cancellationToken)
    {
        var query = (includeCatalog, allowExpired) switch
        {
            (true, false) => "",
            (true, true) => "?allow_expired=1",
            (false, false) => "?nocatalog",
            (false, true) => "?nocatalog&allow_expired=1",
        };
        for (var attempt = 0; ; attempt++)
        {
            ServiceToken service;
            HttpResponseMessage response;
            try
            {
                service = await serviceTokens.GetAsync(cancellationToken);
                var url = service.IdentityEndpoint + "/auth/tokens" + query;
                response = await IdentityHttp.SendAsync(
                    http.CreateClient(KeystoneAuthExtensions.HttpClientName),
                    () => new HttpRequestMessage(HttpMethod.Get, url)
                    {
                        Headers = { { "X-Auth-Token", service.Id }, { "X-Subject-Token", token } },
                    },
                    options.HttpRequestMaxRetries, time, logger, cancellationToken);
            }
            catch (IdentityUnavailableException e)
            {
                return TokenValidation.Unavailable(e.Message);
            }

            using (response)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        byte[] body;
                        try
                        {
                            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                        }
                        catch (HttpRequestException e)
                        {
                            return TokenValidation.Unavailable($"Identity broke off its answer: {e.Message}");
                        }
                        return KeystoneTokenJson.Parse(body) is { } data
                            ? TokenValidation.Valid(data)
                            : TokenValidation.Invalid("Identity's answer is not a token document");
                    case HttpStatusCode.NotFound:
                        return TokenValidation.Invalid("Identity answered 404: the token is unknown, expired or revoked");
                    case HttpStatusCode.Unauthorized when attempt == 0:
                        Log.ServiceTokenRejected(logger);
                        serviceTokens.Invalidate(service);
                        continue;
                    case HttpStatusCode.Unauthorized:
                        return TokenValidation.Unavailable("Identity server rejected authorization necessary to fetch token data (401 after logging in again)");
                    case HttpStatusCode.Forbidden:
                        return TokenValidation.Unavailable(
                            "Identity answered 403: the service user may not validate tokens (it needs the admin or service role on its project)");
                    default:
                        return TokenValidation.Unavailable($"Identity answered {(int)response.StatusCode} while validating a token");
                }
            }
        }
    }
}
