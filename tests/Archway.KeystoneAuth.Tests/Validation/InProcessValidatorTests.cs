using System.Net;
using Archway.KeystoneAuth.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Archway.KeystoneAuth.Tests.Validation;

/// <summary>
/// The seam a host uses to validate without the service-user login and HTTP hop: its own
/// <see cref="IKeystoneTokenValidator"/>. Archway's all-in-one process will call Identity's token service; here the
/// validator asks the real Identity directly with the admin's token, which is as close as a test outside Identity
/// can get, and says its answers are not cacheable, as an in-process one does.
/// </summary>
public sealed class InProcessValidatorTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly IdentityHost _identity = fixture.Identity;

    private sealed class DirectValidator(IdentityHost identity, string adminToken) : IKeystoneTokenValidator
    {
        public int Calls;

        public bool Cacheable => false;

        public async ValueTask<TokenValidation> ValidateAsync(string token, bool includeCatalog, bool allowExpired, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v3/auth/tokens" + (includeCatalog ? "" : "?nocatalog"));
            request.Headers.Add("X-Auth-Token", adminToken);
            request.Headers.Add("X-Subject-Token", token);
            using var response = await identity.Client.SendAsync(request, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => KeystoneTokenJson.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken)) is { } data
                    ? TokenValidation.Valid(data)
                    : TokenValidation.Invalid("not a token document"),
                HttpStatusCode.NotFound => TokenValidation.Invalid("unknown or revoked"),
                _ => TokenValidation.Unavailable($"Identity answered {(int)response.StatusCode}"),
            };
        }
    }

    private async Task<(ProtectedApi Api, DirectValidator Validator)> StartAsync(string adminToken)
    {
        var validator = new DirectValidator(_identity, adminToken);
        // Only www_authenticate_uri: an in-process validator needs no service-user credentials.
        var options = new KeystoneAuthOptions { WwwAuthenticateUri = ProtectedApi.PublicIdentityUrl };
        var api = await ProtectedApi.StartAsync(options, identity: null, services: s => s.AddSingleton<IKeystoneTokenValidator>(validator));
        return (api, validator);
    }

    [Fact]
    public async Task A_registered_validator_replaces_the_http_transport_on_the_same_code_path()
    {
        var (api, validator) = await StartAsync(await _identity.AdminTokenAsync());
        await using var _ = api;
        var token = await _identity.DemoTokenAsync();
        var logins = _identity.Requests.Logins;

        var seen = await api.WhoAmIAsync(token, headers: ("X-Roles", "admin"));

        Assert.Equal("Confirmed", seen.Header("X-Identity-Status"));
        Assert.Equal("demo", seen.Header("X-User-Name"));
        Assert.Equal(["member", "observer", "reader"], seen.Header("X-Roles")!.Split(',').Order());
        Assert.NotNull(seen.Header("X-Service-Catalog"));
        Assert.Equal(1, validator.Calls);
        Assert.Equal(logins, _identity.Requests.Logins);
        Assert.True(api.Logs.Contains(Microsoft.Extensions.Logging.LogLevel.Information, "in process (DirectValidator), cache off"), api.Logs.Dump());
    }

    [Fact]
    public async Task With_an_uncacheable_validator_a_revoked_token_stops_working_at_once()
    {
        var (api, validator) = await StartAsync(await _identity.AdminTokenAsync());
        await using var _ = api;
        var token = await _identity.DemoTokenAsync();
        await api.WhoAmIAsync(token);

        await _identity.RevokeAsync(token);
        using var response = await api.GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, validator.Calls);
    }

    [Fact]
    public async Task A_validator_that_reports_identity_unavailable_gives_503()
    {
        // A caller token Identity rejects: the validator answers Unavailable, as one would for a broken Identity.
        var (api, _) = await StartAsync("gAAAAABnot-an-admin-token");
        await using var __ = api;

        using var response = await api.GetAsync("/whoami", await _identity.DemoTokenAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
