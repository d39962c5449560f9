using System.Net;
using Archway.Identity.Assignments;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Credentials;

/// <summary>
/// A user without the admin role and someone else's credentials: Keystone's rules let a user manage only their own
/// (<c>user_id:%(target.credential.user_id)s</c>).
/// </summary>
public sealed class CredentialOwnerTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string MemberPassword = "member-Pa55";

    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task A_member_can_neither_read_change_nor_delete_another_users_credential()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, member) = await CreateMemberAsync(admin);
        var others = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", admin,
            """{"credential": {"type": "cert", "blob": "admin's", "user_id": "someone-else"}}""")).GetProperty("credential").GetProperty("id").GetString();

        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"/v3/credentials/{others}", member);
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"/v3/credentials/{others}", member, """{"credential": {"blob": "mine now"}}""");
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"/v3/credentials/{others}", member);

        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{others}", admin)).GetProperty("credential");
        Assert.Equal("admin's", shown.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task A_member_cannot_create_a_credential_for_another_user_nor_learn_whether_an_id_exists()
    {
        var admin = await _server.AdminTokenAsync();
        var (_, member) = await CreateMemberAsync(admin);

        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, "/v3/credentials", member,
            """{"credential": {"type": "cert", "blob": "x", "user_id": "someone-else"}}""");
        // Keystone enforces against an empty target when there is no such credential: 403, not 404.
        await _server.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, "/v3/credentials/does-not-exist", member);
    }

    [Fact]
    public async Task A_member_manages_their_own_credentials_and_lists_only_those()
    {
        var admin = await _server.AdminTokenAsync();
        var (memberId, member) = await CreateMemberAsync(admin);
        await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", admin,
            """{"credential": {"type": "cert", "blob": "not theirs", "user_id": "someone-else"}}""");

        var own = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", member,
            $$$"""{"credential": {"type": "totp", "blob": "theirs", "user_id": "{{{memberId}}}"}}""")).GetProperty("credential").GetProperty("id").GetString();

        var list = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/credentials", member);
        Assert.Equal([own], list.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{own}", member);
        await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/credentials/{own}", member, """{"credential": {"blob": "changed"}}""");
        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/credentials/{own}", member);
    }

    /// <summary>A new user (through the user API) with the member role on the admin project, and their token.</summary>
    private async Task<(string UserId, string Token)> CreateMemberAsync(string adminToken)
    {
        var name = ApiRequests.Unique("member");
        var user = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", adminToken,
            $$$"""{"user": {"name": "{{{name}}}", "domain_id": "default", "password": "{{{MemberPassword}}}"}}""")).GetProperty("user");
        var userId = user.GetProperty("id").GetString()!;
        await using (var db = _server.Get<IdentityDatabase>().Open())
        {
            var role = await db.GetTable<RoleRecord>().SingleAsync(r => r.Name == "member");
            var project = await db.GetTable<ProjectRecord>().SingleAsync(p => p.Name == "admin" && !p.IsDomain);
            await db.InsertAsync(new AssignmentRecord { Type = AssignmentRecord.UserProject, ActorId = userId, TargetId = project.Id, RoleId = role.Id });
        }
        using var response = await _server.PasswordAuthAsync(name, MemberPassword);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (userId, response.Headers.GetValues("X-Subject-Token").Single());
    }
}
