using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Archway.Identity.Users;

internal static class UserQueries
{
    public static Task<UserRecord?> FindUserAsync(this DataConnection db, string id, CancellationToken cancellationToken) =>
        db.GetTable<UserRecord>().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);

    public static Task<UserRecord?> FindUserByNameAsync(this DataConnection db, string name, string domainId, CancellationToken cancellationToken) =>
        db.GetTable<UserRecord>().FirstOrDefaultAsync(u => u.Name == name && u.DomainId == domainId, cancellationToken);

    /// <summary>The user's current password: the newest row.</summary>
    public static Task<PasswordRecord?> CurrentPasswordAsync(this DataConnection db, string userId, CancellationToken cancellationToken) =>
        db.GetTable<PasswordRecord>().Where(p => p.UserId == userId).OrderByDescending(p => p.Id).FirstOrDefaultAsync(cancellationToken);
}
