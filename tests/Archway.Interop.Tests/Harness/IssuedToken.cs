using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Archway.Interop.Tests.Harness;

/// <summary>What `openstack token issue` reports.</summary>
public sealed partial record IssuedToken(string Id, DateTimeOffset Expires, string ProjectId, string UserId)
{
    /// <summary>`openstack token issue -f json` with <paramref name="environment"/>; fails the test unless it works.</summary>
    public static async Task<IssuedToken> IssueAsync(OpenStackCli openstack, IReadOnlyDictionary<string, string> environment)
    {
        var result = (await openstack.RunAsync(environment, "token", "issue", "-f", "json")).AssertSucceeded();
        return FromJson(result.StandardOutput);
    }

    public static IssuedToken FromJson(string json)
    {
        var root = JsonSerializer.Deserialize<JsonElement>(json);
        return new IssuedToken(
            Field(root, "id"),
            ParseExpires(Field(root, "expires")),
            Field(root, "project_id"),
            Field(root, "user_id"));
    }

    /// <summary>
    /// The CLI prints expires with strftime('%Y-%m-%dT%H:%M:%S%z'), e.g. 2025-11-25T13:34:56+0000.
    /// </summary>
    public static DateTimeOffset ParseExpires(string value)
    {
        var match = ExpiresPattern().Match(value);
        Assert.True(match.Success, $"expires '{value}' is not in the CLI's %Y-%m-%dT%H:%M:%S%z form");
        return DateTimeOffset.Parse($"{match.Groups[1].Value}{match.Groups[2].Value}:{match.Groups[3].Value}", CultureInfo.InvariantCulture);
    }

    private static string Field(JsonElement root, string name)
    {
        Assert.True(root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String,
            $"`token issue -f json` has no string '{name}': {root}");
        return value.GetString()!;
    }

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d):?(\d\d)$")]
    private static partial Regex ExpiresPattern();
}
