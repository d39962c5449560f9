using System.Net;
using System.Text.Json;

namespace Archway.Tests.Identity;

/// <summary>Keystone's [security_compliance] options, each on a server configured for it.</summary>
public sealed class SecurityComplianceTests
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static async Task<(string Name, string Id)> CreateUserAsync(IdentityServer server, string admin, string password)
    {
        var name = Unique("u");
        var user = await server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name, password } }));
        return (name, user.GetProperty("user").GetProperty("id").GetString()!);
    }

    private static async Task<string> ErrorOfAuthAsync(IdentityServer server, string name, string password)
    {
        using var response = await server.PasswordAuthAsync(name, password, project: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return (await IdentityServer.JsonAsync(response)).GetProperty("error").GetProperty("message").GetString()!;
    }

    [Fact]
    public async Task Lockout_after_failed_attempts_until_an_admin_reenables()
    {
        await using var server = await IdentityServer.StartAsync("[security_compliance]\nlockout_failure_attempts = 2\nlockout_duration = 1800\n");
        var admin = await server.AdminTokenAsync();
        var (name, id) = await CreateUserAsync(server, admin, "Passw0rd!");
        await ErrorOfAuthAsync(server, name, "wrong");
        await ErrorOfAuthAsync(server, name, "wrong");
        Assert.Equal($"The account is locked for user: {id}.", await ErrorOfAuthAsync(server, name, "Passw0rd!"));
        await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{id}", admin, """{"user": {"enabled": true}}""");
        await server.TokenAsync(name, "Passw0rd!", project: null);
    }

    [Fact]
    public async Task Password_regex_refuses_weak_passwords_with_the_description()
    {
        await using var server = await IdentityServer.StartAsync(
            "[security_compliance]\npassword_regex = ^(?=.*\\d)(?=.*[a-zA-Z]).{7,}$\npassword_regex_description = Passwords must contain at least 1 letter, 1 digit, and be a minimum length of 7 characters.\n");
        var admin = await server.AdminTokenAsync();
        var error = await server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/v3/users", admin,
            JsonSerializer.Serialize(new { user = new { name = Unique("u"), password = "short" } }));
        Assert.Equal("The password does not match the requirements: Passwords must contain at least 1 letter, 1 digit, and be a minimum length of 7 characters..",
            error.GetProperty("error").GetProperty("message").GetString());
        await CreateUserAsync(server, admin, "long3nough");
    }

    [Fact]
    public async Task Unique_last_password_count_refuses_a_recent_password()
    {
        await using var server = await IdentityServer.StartAsync("[security_compliance]\nunique_last_password_count = 2\n");
        var admin = await server.AdminTokenAsync();
        var (name, id) = await CreateUserAsync(server, admin, "Passw0rd-1");
        var token = await server.TokenAsync(name, "Passw0rd-1", project: null);
        var error = await server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"/v3/users/{id}/password", token,
            """{"user": {"original_password": "Passw0rd-1", "password": "Passw0rd-1"}}""");
        Assert.Contains("cannot be identical to a previous password", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        await server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"/v3/users/{id}/password", token,
            """{"user": {"original_password": "Passw0rd-1", "password": "Passw0rd-2"}}""");
    }

    [Fact]
    public async Task Minimum_password_age_refuses_a_second_change()
    {
        await using var server = await IdentityServer.StartAsync("[security_compliance]\nminimum_password_age = 1\n");
        var admin = await server.AdminTokenAsync();
        var (name, id) = await CreateUserAsync(server, admin, "Passw0rd-1");
        var token = await server.TokenAsync(name, "Passw0rd-1", project: null);
        await server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"/v3/users/{id}/password", token,
            """{"user": {"original_password": "Passw0rd-1", "password": "Passw0rd-2"}}""");
        var error = await server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"/v3/users/{id}/password", admin,
            """{"user": {"original_password": "Passw0rd-2", "password": "Passw0rd-3"}}""");
        Assert.Contains("due to the minimum password age", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_password_upon_first_use_expires_admin_set_passwords()
    {
        await using var server = await IdentityServer.StartAsync("[security_compliance]\nchange_password_upon_first_use = true\n");
        var admin = await server.AdminTokenAsync();
        var (name, id) = await CreateUserAsync(server, admin, "Passw0rd-1");
        Assert.Equal($"The password is expired and needs to be changed for user: {id}.", await ErrorOfAuthAsync(server, name, "Passw0rd-1"));
        // The user changes it themself (the API needs no token), then may log in.
        using var change = await server.Client.PostAsync($"/v3/users/{id}/password", new StringContent(
            """{"user": {"original_password": "Passw0rd-1", "password": "Passw0rd-2"}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        await server.TokenAsync(name, "Passw0rd-2", project: null);
    }

    [Fact]
    public async Task Password_expires_days_sets_the_expiry_shown_on_the_user()
    {
        await using var server = await IdentityServer.StartAsync("[security_compliance]\npassword_expires_days = 90\n");
        var admin = await server.AdminTokenAsync();
        var (_, id) = await CreateUserAsync(server, admin, "Passw0rd-1");
        var user = await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/users/{id}", admin);
        var expires = DateTime.Parse(user.GetProperty("user").GetProperty("password_expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expires - DateTime.UtcNow, TimeSpan.FromDays(89.9), TimeSpan.FromDays(90.1));
    }

    [Fact]
    public async Task Lock_password_option_refuses_self_service_changes()
    {
        await using var server = await IdentityServer.StartAsync();
        var admin = await server.AdminTokenAsync();
        var (_, id) = await CreateUserAsync(server, admin, "Passw0rd-1");
        await server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/v3/users/{id}", admin, """{"user": {"options": {"lock_password": true}}}""");
        var error = await server.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"/v3/users/{id}/password", admin,
            """{"user": {"original_password": "Passw0rd-1", "password": "Passw0rd-2"}}""");
        Assert.Contains("password policy disallowing password changes", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
