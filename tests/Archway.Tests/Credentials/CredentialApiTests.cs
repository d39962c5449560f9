using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Archway.Identity.Credentials;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Tests.Credentials;

/// <summary>/v3/credentials as an admin: Keystone's shapes, ids, validation and errors.</summary>
public sealed class CredentialApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private readonly IdentityServer _server = fixture.Server;

    [Fact]
    public async Task An_ec2_credential_gets_the_sha256_of_its_access_key_as_id_and_reads_back_as_created()
    {
        var token = await _server.AdminTokenAsync();
        var (userId, projectId) = await AdminIdsAsync(token);
        var access = ApiRequests.Unique("access");
        var blob = $$$"""{"access":"{{{access}}}","secret":"s3cr3t"}""";

        var credential = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            Body("ec2", blob, userId, projectId, """, "tag-name": "x" """))).GetProperty("credential");

        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(access)));
        Assert.Equal(id, credential.GetProperty("id").GetString());
        Assert.Equal(userId, credential.GetProperty("user_id").GetString());
        Assert.Equal(projectId, credential.GetProperty("project_id").GetString());
        Assert.Equal("ec2", credential.GetProperty("type").GetString());
        Assert.Equal(blob, credential.GetProperty("blob").GetString());
        Assert.Equal("x", credential.GetProperty("tag_name").GetString());
        Assert.Equal($"http://localhost/v3/credentials/{id}", credential.GetProperty("links").GetProperty("self").GetString());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Equal(credential.GetRawText(), shown.GetRawText());
        var listed = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials?user_id={userId}&type=ec2", token);
        Assert.Contains(listed.GetProperty("credentials").EnumerateArray(), c => c.GetRawText() == credential.GetRawText());
    }

    [Fact]
    public async Task Other_types_get_a_generated_id_a_null_project_and_their_blob_as_given()
    {
        var token = await _server.AdminTokenAsync();
        var (userId, _) = await AdminIdsAsync(token);

        var credential = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            Body("totp", "GEZDGNBVGY3TQOJQ", userId, null))).GetProperty("credential");

        Assert.Matches("^[0-9a-f]{32}$", credential.GetProperty("id").GetString()!);
        Assert.Equal(JsonValueKind.Null, credential.GetProperty("project_id").ValueKind);
        Assert.Equal("GEZDGNBVGY3TQOJQ", credential.GetProperty("blob").GetString());
    }

    [Theory]
    [InlineData("""{"credential": {"type": "ec2", "blob": "{\"access\": \"a\"}", "user_id": "u"}}""",
        """{'type': 'ec2', 'blob': '{"access": "a"}', 'user_id': 'u'} is not valid under any of the given schemas""")]
    [InlineData("""{"credential": {"blob": "x", "user_id": "u"}}""", "{'blob': 'x', 'user_id': 'u'} is not valid under any of the given schemas")]
    [InlineData("""{}""", "{} is not valid under any of the given schemas")]
    [InlineData("""{"credential": {"type": "cert", "blob": 5, "user_id": "u"}}""", "Invalid input for field 'blob': 5 is not of type 'string'")]
    [InlineData("""{"credential": {"type": "cert", "blob": "x", "user_id": "u", "project_id": null}}""", "Invalid input for field 'project_id': None is not of type 'string'")]
    [InlineData("""{"credential": {"type": "ec2", "blob": "not json", "user_id": "u", "project_id": "p"}}""", "Invalid blob in credential")]
    [InlineData("""{"credential": {"type": "ec2", "blob": "{}", "user_id": "u", "project_id": "p"}}""", "Expecting to find blob in credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    [InlineData("""{"credential": {"type": "ec2", "blob": "[1]", "user_id": "u", "project_id": "p"}}""", "Expecting to find blob in credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    [InlineData("""{"credential": {"type": "ec2", "blob": "{\"secret\": \"s\"}", "user_id": "u", "project_id": "p"}}""", "Expecting to find access in credential. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")]
    // Keystone checks the blob of any type that lower-cases to ec2, but asks a project only of "ec2" itself.
    [InlineData("""{"credential": {"type": "EC2", "blob": "xyz", "user_id": "u"}}""", "Invalid blob in credential")]
    public async Task Malformed_credentials_are_refused_with_keystones_message_and_change_nothing(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var before = await CountAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Post, "/v3/credentials", token, body);

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_user_id_longer_than_its_column_is_refused()
    {
        var token = await _server.AdminTokenAsync();
        var userId = new string('u', 65);

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest,
            $"String length exceeded. The length of string '{userId}' exceeds the limit of column user_id(CHAR(64)).",
            HttpMethod.Post, "/v3/credentials", token, Body("cert", "x", userId, null));
    }

    [Fact]
    public async Task A_second_ec2_credential_with_the_same_access_key_is_a_conflict()
    {
        var token = await _server.AdminTokenAsync();
        var (userId, projectId) = await AdminIdsAsync(token);
        var access = ApiRequests.Unique("twice");
        var first = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            Body("ec2", $$$"""{"access": "{{{access}}}", "secret": "one"}""", userId, projectId))).GetProperty("credential");
        var id = first.GetProperty("id").GetString();

        await _server.ExpectErrorAsync(HttpStatusCode.Conflict, $"Conflict occurred attempting to store credential - Duplicate entry found with ID {id}.",
            HttpMethod.Post, "/v3/credentials", token, Body("ec2", $$$"""{"access": "{{{access}}}", "secret": "two"}""", userId, projectId));

        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Contains("\"one\"", shown.GetProperty("blob").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_filters_by_user_id_and_type()
    {
        var token = await _server.AdminTokenAsync();
        var user = ApiRequests.Unique("someone");
        var cert = await CreateAsync(token, "cert", "c", user);
        var totp = await CreateAsync(token, "totp", "t", user);
        await CreateAsync(token, "cert", "c", ApiRequests.Unique("else"));

        var byUser = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials?user_id={user}", token);
        var byBoth = await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials?user_id={user}&type=totp", token);

        Assert.Equal(new[] { cert, totp }.Order(StringComparer.Ordinal), Ids(byUser).Order(StringComparer.Ordinal));
        Assert.Equal([totp], Ids(byBoth));
    }

    [Fact]
    public async Task Patch_replaces_the_blob_only()
    {
        var token = await _server.AdminTokenAsync();
        var user = ApiRequests.Unique("patch");
        var id = await CreateAsync(token, "totp", "old", user);

        var updated = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/credentials/{id}", token,
            """{"credential": {"blob": "new"}}""")).GetProperty("credential");

        Assert.Equal("new", updated.GetProperty("blob").GetString());
        Assert.Equal(user, updated.GetProperty("user_id").GetString());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Equal(updated.GetRawText(), shown.GetRawText());
    }

    [Theory]
    [InlineData("""{"credential": {"blob": "b", "type": "cert"}}""", "Additional properties are not allowed ('type' was unexpected)")]
    [InlineData("""{"credential": {"blob": "b", "user_id": "x", "project_id": "y"}}""", "Additional properties are not allowed ('project_id', 'user_id' were unexpected)")]
    [InlineData("""{"credential": {"user_id": "x"}}""", "Additional properties are not allowed ('user_id' was unexpected)")]
    [InlineData("""{"credential": {}}""", "'blob' is a required property")]
    [InlineData("""{"credential": {"blob": 1}}""", "Invalid input for field 'blob': 1 is not of type 'string'")]
    public async Task Patch_refuses_anything_but_a_blob(string body, string message)
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateAsync(token, "totp", "kept", ApiRequests.Unique("refused"));

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, message, HttpMethod.Patch, $"/v3/credentials/{id}", token, body);

        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Equal("kept", shown.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task An_updated_ec2_blob_keeps_its_scope_and_reads_back_as_python_json()
    {
        var token = await _server.AdminTokenAsync();
        var (userId, projectId) = await AdminIdsAsync(token);
        var access = ApiRequests.Unique("ec2");
        var id = (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token,
            Body("ec2", $$$"""{"access":"{{{access}}}","secret":"a","trust_id":"t1"}""", userId, projectId))).GetProperty("credential").GetProperty("id").GetString();

        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, "trust_id can not be updated for credential",
            HttpMethod.Patch, $"/v3/credentials/{id}", token, $$$"""{"credential": {"blob": "{\"access\":\"{{{access}}}\",\"secret\":\"b\"}"}}""");
        await _server.ExpectErrorAsync(HttpStatusCode.BadRequest, "Invalid blob in credential",
            HttpMethod.Patch, $"/v3/credentials/{id}", token, """{"credential": {"blob": "nope"}}""");
        var updated = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/credentials/{id}", token,
            $$$"""{"credential": {"blob": "{\"access\":\"{{{access}}}\",\"secret\":\"b\",\"trust_id\":\"t1\",\"n\":1.50}"}}""")).GetProperty("credential");

        // The update answers with the blob as sent; Keystone stores it unquoted, so reading it back json.loads it to a
        // dict and json.dumps that again.
        Assert.Equal($$$"""{"access":"{{{access}}}","secret":"b","trust_id":"t1","n":1.50}""", updated.GetProperty("blob").GetString());
        var shown = (await _server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/credentials/{id}", token)).GetProperty("credential");
        Assert.Equal($$$"""{"access": "{{{access}}}", "secret": "b", "trust_id": "t1", "n": 1.5}""", shown.GetProperty("blob").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_credential()
    {
        var token = await _server.AdminTokenAsync();
        var id = await CreateAsync(token, "cert", "pem", ApiRequests.Unique("delete"));

        await _server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/v3/credentials/{id}", token);

        await _server.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"/v3/credentials/{id}", token);
    }

    [Fact]
    public async Task Unknown_credentials_are_not_found_for_an_admin()
    {
        var token = await _server.AdminTokenAsync();

        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find credential: nope.", HttpMethod.Get, "/v3/credentials/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find credential: nope.", HttpMethod.Delete, "/v3/credentials/nope", token);
        await _server.ExpectErrorAsync(HttpStatusCode.NotFound, "Could not find credential: nope.",
            HttpMethod.Patch, "/v3/credentials/nope", token, """{"credential": {"blob": "x"}}""");
    }

    private static string Body(string type, string blob, string userId, string? projectId, string more = "")
    {
        var project = projectId is null ? "" : $$$""", "project_id": "{{{projectId}}}" """;
        return $$$"""{"credential": {"type": "{{{type}}}", "blob": {{{JsonSerializer.Serialize(blob)}}}, "user_id": "{{{userId}}}"{{{project}}}{{{more}}}}}""";
    }

    private async Task<string> CreateAsync(string token, string type, string blob, string userId) =>
        (await _server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/credentials", token, Body(type, blob, userId, null)))
            .GetProperty("credential").GetProperty("id").GetString()!;

    private async Task<(string UserId, string ProjectId)> AdminIdsAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v3/auth/tokens");
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("X-Subject-Token", token);
        using var response = await _server.Client.SendAsync(request);
        var body = (await IdentityServer.JsonAsync(response)).GetProperty("token");
        return (body.GetProperty("user").GetProperty("id").GetString()!, body.GetProperty("project").GetProperty("id").GetString()!);
    }

    private static List<string> Ids(JsonElement list) =>
        [.. list.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    private async Task<int> CountAsync()
    {
        await using var db = _server.Get<IdentityDatabase>().Open();
        return await db.GetTable<CredentialRecord>().CountAsync();
    }
}
