using System.Net;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Identity;

/// <summary>The install guide's `. admin-openrc` then `openstack token issue`.</summary>
[Collection(SharedArchwayCollection.Name)]
public sealed class TokenIssueTests(ArchwayServerFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly ArchwayServer _server = fixture.Server;
    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public void Admin_openrc_has_the_guides_variables()
    {
        var openrc = _server.Openrc();

        Assert.Equal("admin", openrc.GetValueOrDefault("OS_USERNAME"));
        Assert.Equal(ArchwayServerFixture.AdminPassword, openrc.GetValueOrDefault("OS_PASSWORD"));
        Assert.Equal("admin", openrc.GetValueOrDefault("OS_PROJECT_NAME"));
        Assert.Equal("Default", openrc.GetValueOrDefault("OS_USER_DOMAIN_NAME"));
        Assert.Equal("Default", openrc.GetValueOrDefault("OS_PROJECT_DOMAIN_NAME"));
        Assert.Equal(_server.AuthUrl, openrc.GetValueOrDefault("OS_AUTH_URL"));
        Assert.Equal("3", openrc.GetValueOrDefault("OS_IDENTITY_API_VERSION"));
        // It holds the admin password.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_server.OpenrcPath));
    }

    [Fact]
    public async Task Admin_openrc_sourced_by_bash_sets_what_the_harness_reads()
    {
        var start = new System.Diagnostics.ProcessStartInfo("/bin/bash") { ArgumentList = { "-c", ". \"$1\" && env -0", "bash", _server.OpenrcPath } };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";

        var result = (await ProcessRunner.RunAsync(start, TimeSpan.FromSeconds(10))).AssertSucceeded();

        var sourced = result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair[0].StartsWith("OS_", StringComparison.Ordinal))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal(sourced.OrderBy(p => p.Key, StringComparer.Ordinal), _server.Openrc().OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Token_issue_returns_a_fernet_token_for_the_admin_user_and_project()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        var before = DateTimeOffset.UtcNow;

        var token = await IssuedToken.IssueAsync(_openstack, _server.Openrc());

        Assert.StartsWith("gAAAAA", token.Id, StringComparison.Ordinal);
        // [token] expiration defaults to 3600 s; the CLI drops the fraction of a second.
        Assert.InRange(token.Expires, before.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(60).AddSeconds(5));
        using var api = new IdentityApi(_server.AuthUrl);
        var validation = await api.ValidateTokenAsync(token.Id, token.Id);
        Assert.True(validation.Status == HttpStatusCode.OK, validation.Describe());
        var body = validation.Json.GetProperty("token");
        Assert.Equal(token.ProjectId, body.GetProperty("project").GetProperty("id").GetString());
        Assert.Equal("admin", body.GetProperty("project").GetProperty("name").GetString());
        Assert.Equal(token.UserId, body.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("admin", body.GetProperty("user").GetProperty("name").GetString());
        Assert.Contains("admin", body.GetProperty("roles").EnumerateArray().Select(role => role.GetProperty("name").GetString()));
        Assert.Equal(token.Expires, DateTimeOffset.Parse(body.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Token_issue_table_shows_expires_id_project_id_and_user_id()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }

        var result = (await _openstack.RunAsync(_server.Openrc(), "token", "issue")).AssertSucceeded();

        var rows = CliTable.Rows(result.StandardOutput);
        Assert.Equal(["Field", "expires", "id", "project_id", "user_id"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Value", rows["Field"]);
        Assert.StartsWith("gAAAAA", rows["id"], StringComparison.Ordinal);
        IssuedToken.ParseExpires(rows["expires"]);
        using var api = new IdentityApi(_server.AuthUrl);
        var validation = await api.ValidateTokenAsync(rows["id"], rows["id"]);
        Assert.True(validation.Status == HttpStatusCode.OK, validation.Describe());
        Assert.Equal(rows["user_id"], validation.Json.GetProperty("token").GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(rows["project_id"], validation.Json.GetProperty("token").GetProperty("project").GetProperty("id").GetString());
    }

    public void Dispose() => _openstack.Dispose();
}
