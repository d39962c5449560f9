using Archway.Data.Database;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;

namespace Archway.Identity.Tests.Tokens;

/// <summary>The in-memory revocation list over a real SQLite database.</summary>
public sealed class RevocationListTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "archway-revocations-" + Guid.NewGuid().ToString("N"));
    private readonly IdentityDatabase _database;

    public RevocationListTests()
    {
        Directory.CreateDirectory(_directory);
        Assert.True(DatabaseUrl.TryParse("sqlite:///keystone.db", _directory, out var url, out var error), error);
        _database = new IdentityDatabase(url);
        _database.Database.Migrate();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly DateTime Second = new(2026, 12, 6, 1, 2, 3, DateTimeKind.Utc);

    private static RevocationEventRecord Event(string? auditId = null, string? userId = null) =>
        new() { AuditId = auditId, UserId = userId, IssuedBefore = Second, RevokedAt = Second, ExpiresAt = Second.AddHours(1) };

    /// <summary>
    /// Token issue waits out the second of the newest event a new token could match. A revoked single token
    /// (its audit id) is not such an event; a user's revocation is.
    /// </summary>
    [Fact]
    public async Task Only_events_a_new_token_could_match_move_the_issue_cut_off()
    {
        var revocations = new RevocationList();
        await using var db = _database.Open();
        var auditId = "Xs9Hl0UYQ3ezGYxlB1Jb1A";

        await revocations.RevokeAsync(db, Event(auditId: auditId), CancellationToken.None);

        Assert.Equal(default, revocations.LatestIssuedBefore);
        var revokedToken = new TokenPayload("u1", 1, Second.AddHours(1), [auditId]) { IssuedAt = Second };
        Assert.True(revocations.IsRevoked(revokedToken, null, "default", []));

        await revocations.RevokeAsync(db, Event(userId: "u2"), CancellationToken.None);

        Assert.Equal(Second, revocations.LatestIssuedBefore);
    }
}
