using System.Net;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>`openstack token revoke`: DELETE /v3/auth/tokens, after which the token is dead everywhere.</summary>
[Collection(SharedArchwayCollection.Name)]
public sealed class TokenRevokeTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Token_revoke_makes_the_token_fail_validation_and_authentication()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        var openrc = _server.Openrc();
        var revoked = await IssuedToken.IssueAsync(_openstack, openrc);
        using var api = new IdentityApi(_server.AuthUrl);
        var witness = await api.IssueTokenAsync("admin", ArchwayServerFixture.AdminPassword, "admin");
        Assert.NotNull(witness);
        var before = await api.ValidateTokenAsync(witness, revoked.Id);
        Assert.True(before.Status == HttpStatusCode.OK, "the token must be valid before it is revoked: " + before.Describe());

        var revoke = await _openstack.RunAsync(openrc, "token", "revoke", revoked.Id);

        revoke.AssertSucceeded();
        Assert.Equal("", revoke.StandardOutput.Trim());
        // Keystone answers a valid caller asking about a revoked token with 404 TokenNotFound.
        var after = await api.ValidateTokenAsync(witness, revoked.Id);
        Assert.True(after.Status == HttpStatusCode.NotFound, "a revoked token must not validate: " + after.Describe());
        // Revoking one token leaves the others alone.
        var other = await api.ValidateTokenAsync(witness, witness);
        Assert.True(other.Status == HttpStatusCode.OK, "revoking one token must not touch another: " + other.Describe());
        // Authenticating with it (the token auth method) is refused: Keystone 22 answers 404 from
        // POST /v3/auth/tokens for a revoked token (TokenNotFound); 401 is as good a refusal.
        var reuse = await _openstack.RunAsync(
            new Dictionary<string, string>(),
            "--os-auth-type", "token", "--os-token", revoked.Id, "--os-auth-url", _server.AuthUrl,
            "--os-project-name", "admin", "--os-project-domain-name", "Default", "--os-identity-api-version", "3",
            "token", "issue", "-f", "json");
        Assert.False(reuse.Succeeded, "a revoked token must not authenticate:\n" + reuse.Describe());
        Assert.Matches(@"HTTP 40[14]", reuse.AllOutput);
        Assert.DoesNotContain("gAAAAA", reuse.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _openstack.Dispose();
}
