using System.Text.RegularExpressions;
using Archway.Data.Configuration;

namespace Archway.Identity.Config;

/// <summary>Keystone's [security_compliance] options, with its defaults (all off).</summary>
public sealed record SecurityCompliance
{
    /// <summary>lockout_failure_attempts: failed password attempts before the account locks; null = never.</summary>
    public int? LockoutFailureAttempts { get; init; }

    /// <summary>lockout_duration in seconds; null = locked until an admin re-enables the user.</summary>
    public int? LockoutDuration { get; init; }

    /// <summary>password_expires_days; null = passwords never expire.</summary>
    public int? PasswordExpiresDays { get; init; }

    /// <summary>unique_last_password_count: how many passwords, the new one included, must differ.</summary>
    public int UniqueLastPasswordCount { get; init; }

    /// <summary>minimum_password_age in days before a user may change their password again.</summary>
    public int MinimumPasswordAge { get; init; }

    public Regex? PasswordRegex { get; init; }

    public string? PasswordRegexDescription { get; init; }

    /// <summary>change_password_upon_first_use: passwords an admin sets expire at once.</summary>
    public bool ChangePasswordUponFirstUse { get; init; }

    internal static SecurityCompliance Read(OptionReader reader)
    {
        const string section = "security_compliance";
        Regex? regex = null;
        var rawRegex = reader.Raw(section, "password_regex");
        if (rawRegex is not null && rawRegex.Value.Length > 0)
        {
            try
            {
                regex = new Regex(rawRegex.Value, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                reader.Problem(rawRegex, "is not a valid regular expression: " + e.Message);
            }
        }
        reader.OptionalInt(section, "disable_user_account_days_inactive", min: 1);
        return new SecurityCompliance
        {
            LockoutFailureAttempts = reader.OptionalInt(section, "lockout_failure_attempts", min: 1),
            LockoutDuration = reader.OptionalInt(section, "lockout_duration", min: 1),
            PasswordExpiresDays = reader.OptionalInt(section, "password_expires_days", min: 0),
            UniqueLastPasswordCount = reader.Int(section, "unique_last_password_count", 0, min: 0),
            MinimumPasswordAge = reader.Int(section, "minimum_password_age", 0, min: 0),
            PasswordRegex = regex,
            PasswordRegexDescription = reader.OptionalString(section, "password_regex_description"),
            ChangePasswordUponFirstUse = reader.Bool(section, "change_password_upon_first_use", false),
        };
    }
}
