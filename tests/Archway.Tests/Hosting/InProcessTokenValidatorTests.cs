using System.Net;
using Archway.Hosting;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.KeystoneAuth;

namespace Archway.Tests.Hosting;

/// <summary>
/// The all-in-one process validates Image requests' tokens through Identity's token service and keeps the token it
/// read from the rendered document. Every check still runs per request, and every change Identity's cache sees shows
/// in the very next validation: a role removed, a user disabled, a token revoked, an endpoint added.
/// </summary>
public sealed class InProcessTokenValidatorTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static InProcessTokenValidator Validator(IdentityServer server) =>
        new(server.Get<TokenService>(), server.Get<IdentityDatabase>(), server.Get<IdentityStateCache>());

    /// <summary>A new user with the member and reader roles on a new project, and a token scoped to it.</summary>
    private static async Task<(string UserId, string ProjectId, string MemberRoleId, string Token)> MemberAsync(IdentityServer server, string admin)
    {
        var name = Unique("u");
        var userId = await server.CreateAsync(admin, "user", new { name, password = "Passw0rd!" });
        var projectName = Unique("p");
        var projectId = await server.CreateAsync(admin, "project", new { name = projectName });
        string? memberRoleId = null;
        foreach (var role in new[] { "member", "reader" })
        {
            var roleId = (await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/roles?name={role}", admin)).GetProperty("roles")[0].GetProperty("id").GetString()!;
            await server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{roleId}", admin);
            memberRoleId ??= roleId;
        }
        return (userId, projectId, memberRoleId!, await server.TokenAsync(name, "Passw0rd!", projectName));
    }

    private static async Task<KeystoneToken> ValidAsync(InProcessTokenValidator validator, string token, bool includeCatalog = true)
    {
        var validation = await validator.ValidateAsync(token, includeCatalog, allowExpired: false, CancellationToken.None);
        Assert.Equal(TokenValidationStatus.Valid, validation.Status);
        return validation.Token!;
    }

    private static async Task AssertInvalidAsync(InProcessTokenValidator validator, string token)
    {
        var validation = await validator.ValidateAsync(token, includeCatalog: true, allowExpired: false, CancellationToken.None);
        Assert.Equal(TokenValidationStatus.Invalid, validation.Status);
    }

    private static string[] RoleNames(KeystoneToken token) => [.. token.Roles.Select(r => r.Name).Order()];

    [Fact]
    public async Task The_same_token_on_unchanged_state_is_read_once()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, projectId, _, token) = await MemberAsync(_server, admin);
        var validator = Validator(_server);

        var first = await ValidAsync(validator, token);
        var second = await ValidAsync(validator, token);
        var withoutCatalog = await ValidAsync(validator, token, includeCatalog: false);

        Assert.Same(first, second);
        Assert.Equal(projectId, first.ProjectId);
        Assert.Equal(["member", "reader"], RoleNames(first));
        Assert.NotNull(first.Catalog);
        Assert.Null(withoutCatalog.Catalog);
        Assert.NotSame(withoutCatalog, await ValidAsync(validator, token));
    }

    [Fact]
    public async Task A_granted_role_shows_in_the_next_validation_and_a_removed_one_ends_the_token()
    {
        var admin = await _server.AdminTokenAsync();
        var (userId, projectId, memberRoleId, token) = await MemberAsync(_server, admin);
        var validator = Validator(_server);
        Assert.Equal(["member", "reader"], RoleNames(await ValidAsync(validator, token)));
        var extra = Unique("r");
        var extraId = await _server.CreateAsync(admin, "role", new { name = extra });

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"/v3/projects/{projectId}/users/{userId}/roles/{extraId}", admin);
        Assert.Equal(new[] { "member", "reader", extra }.Order(), RoleNames(await ValidAsync(validator, token)));

        // As in Keystone, removing a grant revokes the user's tokens on the project.
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/projects/{projectId}/users/{userId}/roles/{memberRoleId}", admin);
        await AssertInvalidAsync(validator, token);
    }

    [Fact]
    public async Task A_disabled_user_or_a_revoked_token_is_invalid_at_once()
    {
        var admin = await _server.AdminTokenAsync();
        var (userId, _, _, token) = await MemberAsync(_server, admin);
        var (_, _, _, revoked) = await MemberAsync(_server, admin);
        var validator = Validator(_server);
        await ValidAsync(validator, token);
        await ValidAsync(validator, revoked);

        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{userId}", admin, """{"user": {"enabled": false}}""");
        using (var revoke = new HttpRequestMessage(HttpMethod.Delete, "/v3/auth/tokens"))
        {
            revoke.Headers.Add("X-Auth-Token", admin);
            revoke.Headers.Add("X-Subject-Token", revoked);
            Assert.Equal(HttpStatusCode.NoContent, (await _server.Client.SendAsync(revoke)).StatusCode);
        }

        await AssertInvalidAsync(validator, token);
        await AssertInvalidAsync(validator, revoked);
    }

    [Fact]
    public async Task A_new_endpoint_shows_in_the_next_catalog()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, _, _, token) = await MemberAsync(_server, admin);
        var validator = Validator(_server);
        var before = await ValidAsync(validator, token);
        var type = Unique("type");
        var serviceId = await _server.CreateAsync(admin, "service", new { type, name = type });
        await _server.CreateAsync(admin, "endpoint", new { service_id = serviceId, @interface = "public", url = "http://example.test/", region_id = "RegionOne" });

        var after = await ValidAsync(validator, token);

        Assert.DoesNotContain(before.Catalog!, s => s.Type == type);
        Assert.Contains(after.Catalog!, s => s.Type == type && s.Endpoints.Count == 1);
    }

    [Fact]
    public async Task With_token_caching_off_nothing_is_kept()
    {
        await using var server = await IdentityServer.StartAsync("[token]\ncaching = false\n");
        var admin = await server.AdminTokenAsync();
        var (_, _, _, token) = await MemberAsync(server, admin);
        var validator = Validator(server);

        var first = await ValidAsync(validator, token);
        var second = await ValidAsync(validator, token);

        Assert.NotSame(first, second);
        Assert.Equal(RoleNames(first), RoleNames(second));
        Assert.Equal(0, validator.RenderedCount);
    }
}
