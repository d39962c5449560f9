using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Users;

/// <summary>Keystone's user resource options: booleans that exempt a user from security-compliance rules.</summary>
internal static class UserOptions
{
    public const string IgnoreChangePasswordUponFirstUse = "ignore_change_password_upon_first_use";
    public const string IgnorePasswordExpiry = "ignore_password_expiry";
    public const string IgnoreLockoutFailureAttempts = "ignore_lockout_failure_attempts";
    public const string LockPassword = "lock_password";
    public const string IgnoreUserInactivity = "ignore_user_inactivity";
    public const string MultiFactorAuthEnabled = "multi_factor_auth_enabled";
    public const string MultiFactorAuthRules = "multi_factor_auth_rules";

    private static readonly string[] Booleans =
        [IgnoreChangePasswordUponFirstUse, IgnorePasswordExpiry, IgnoreLockoutFailureAttempts, LockPassword, IgnoreUserInactivity, MultiFactorAuthEnabled];

    /// <summary>Reads "options" from a body, merged over the stored ones (null removes an option, as Keystone).</summary>
    public static string? Read(EntityBody body, string? existing = null)
    {
        if (body.Raw("options") is not { } options)
        {
            return existing;
        }
        if (options.ValueKind != JsonValueKind.Object)
        {
            body.Fail("options", $"{JsonSchemaText.Describe(options)} is not of type 'object'");
            return existing;
        }
        var merged = ExtraAttributes.Parse(existing);
        foreach (var option in options.EnumerateObject())
        {
            if (option.Name == MultiFactorAuthRules)
            {
                if (option.Value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
                {
                    body.Fail($"options/{option.Name}", $"{JsonSchemaText.Describe(option.Value)} is not of type 'array', 'null'");
                }
            }
            else if (Array.IndexOf(Booleans, option.Name) < 0)
            {
                body.Fail("options", $"Additional properties are not allowed ('{option.Name}' was unexpected)");
                continue;
            }
            else if (option.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                body.Fail($"options/{option.Name}", $"{JsonSchemaText.Describe(option.Value)} is not of type 'boolean', 'null'");
            }
            if (option.Value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(option.Name);
            }
            else
            {
                merged[option.Name] = option.Value.Clone();
            }
        }
        return ExtraAttributes.Serialize(merged);
    }

    public static bool IsSet(UserRecord user, string option)
    {
        if (string.IsNullOrEmpty(user.Options))
        {
            return false;
        }
        using var document = JsonDocument.Parse(user.Options);
        return document.RootElement.TryGetProperty(option, out var value) && value.ValueKind == JsonValueKind.True;
    }
}
