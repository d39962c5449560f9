using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Passwords;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Users;

/// <summary>
/// Setting and changing passwords under Keystone's [security_compliance] rules: the password regex, history,
/// minimum age, expiry, change-upon-first-use and lock_password.
/// </summary>
internal sealed class PasswordRules(PasswordHasher hasher, KeystoneOptions options, TimeProvider time)
{
    private SecurityCompliance Rules => options.Security;

    public PasswordHasher Hasher => hasher;

    /// <summary>password_regex: 400 with the operator's description when the password does not match.</summary>
    public IdentityError? CheckRequirements(string password)
    {
        if (Rules.PasswordRegex is { } regex && !regex.IsMatch(password))
        {
            var detail = Rules.PasswordRegexDescription ?? "Password does not meet requirements";
            return IdentityError.BadRequest($"The password does not match the requirements: {detail}.");
        }
        return null;
    }

    /// <summary>What a user changing their own password must satisfy beyond the regex.</summary>
    public async Task<IdentityError?> CheckSelfServiceChangeAsync(DataConnection db, UserRecord user, PasswordRecord current, string password, CancellationToken cancellationToken)
    {
        if (UserOptions.IsSet(user, UserOptions.LockPassword))
        {
            return IdentityError.BadRequest("You cannot change your password at this time due to password policy disallowing password changes. Please contact your administrator to reset your password.");
        }
        if (CheckRequirements(password) is { } weak)
        {
            return weak;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (current.SelfService && Rules.MinimumPasswordAge > 0)
        {
            var allowedAt = current.CreatedAt.AddDays(Rules.MinimumPasswordAge);
            if (now < allowedAt)
            {
                var daysLeft = (int)(allowedAt - now).TotalDays;
                return IdentityError.BadRequest(
                    $"You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for {Rules.MinimumPasswordAge} day(s) before it can be changed. Please try again in {daysLeft} day(s) or contact your administrator to reset your password.");
            }
        }
        if (Rules.UniqueLastPasswordCount > 0)
        {
            var history = await db.GetTable<PasswordRecord>().Where(p => p.UserId == user.Id)
                .OrderByDescending(p => p.Id).Take(Rules.UniqueLastPasswordCount).ToListAsync(cancellationToken);
            foreach (var old in history)
            {
                if (await hasher.VerifyAsync(password, old.PasswordHash, cancellationToken))
                {
                    return IdentityError.BadRequest(
                        $"The new password cannot be identical to a previous password. The total number which includes the new password must be unique is {Rules.UniqueLastPasswordCount}.");
                }
            }
        }
        return null;
    }

    /// <summary>Hashes and stores a new current password; returns when it expires (null: never).</summary>
    public async Task<DateTime?> StoreAsync(DataConnection db, UserRecord user, string password, bool selfService, CancellationToken cancellationToken)
    {
        var hash = await hasher.HashAsync(password, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        DateTime? expiresAt = null;
        if (!selfService && Rules.ChangePasswordUponFirstUse && !UserOptions.IsSet(user, UserOptions.IgnoreChangePasswordUponFirstUse))
        {
            expiresAt = now;
        }
        else if (Rules.PasswordExpiresDays is { } days && !UserOptions.IsSet(user, UserOptions.IgnorePasswordExpiry))
        {
            expiresAt = now.AddDays(days);
        }
        await db.InsertAsync(new PasswordRecord
        {
            UserId = user.Id,
            PasswordHash = hash,
            CreatedAt = now,
            ExpiresAt = expiresAt,
            SelfService = selfService,
        }, token: cancellationToken);
        return expiresAt;
    }

    /// <summary>Whether the account is locked out by failed attempts (a lock past its duration is lifted).</summary>
    public bool IsLocked(UserRecord user)
    {
        if (Rules.LockoutFailureAttempts is not { } attempts || user.FailedAuthCount < attempts
            || UserOptions.IsSet(user, UserOptions.IgnoreLockoutFailureAttempts))
        {
            return false;
        }
        return Rules.LockoutDuration is not { } duration
            || user.FailedAuthAt is not { } last
            || last.AddSeconds(duration) > time.GetUtcNow().UtcDateTime;
    }

    public bool IsExpired(UserRecord user, PasswordRecord password) =>
        password.ExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime
        && !UserOptions.IsSet(user, UserOptions.IgnorePasswordExpiry);

    public async Task RecordFailureAsync(DataConnection db, UserRecord user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (Rules.LockoutFailureAttempts is { } attempts && user.FailedAuthCount >= attempts)
        {
            // The lock ran out (IsLocked said no): start counting again, as Keystone resets on expiry.
            user.FailedAuthCount = 0;
            await db.GetTable<UserRecord>().Where(u => u.Id == user.Id).Set(u => u.FailedAuthCount, 0).UpdateAsync(cancellationToken);
        }
        await db.GetTable<UserRecord>().Where(u => u.Id == user.Id)
            .Set(u => u.FailedAuthCount, u => u.FailedAuthCount + 1)
            .Set(u => u.FailedAuthAt, now)
            .UpdateAsync(cancellationToken);
    }

    /// <summary>Clears failed attempts after a good password, or when a timed lock has run out (as Keystone).</summary>
    public async Task ResetFailuresAsync(DataConnection db, UserRecord user, CancellationToken cancellationToken)
    {
        if (user.FailedAuthCount != 0)
        {
            await db.GetTable<UserRecord>().Where(u => u.Id == user.Id)
                .Set(u => u.FailedAuthCount, 0)
                .Set(u => u.FailedAuthAt, (DateTime?)null)
                .UpdateAsync(cancellationToken);
        }
    }
}
