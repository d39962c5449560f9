using Archway.Data.Database;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using BenchmarkDotNet.Attributes;
using LinqToDB.Data;

namespace Archway.Benchmarks;

/// <summary>
/// The revocation check every validation makes, with no events and with 10,000 (half on users, half on audit ids of
/// other tokens): Keystone's historic slowdown was a scan that grew with the events; ours should not.
/// </summary>
[MemoryDiagnoser]
public class RevocationBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "archway-bench-revocations-" + Guid.NewGuid().ToString("N"));
    private readonly RevocationList _revocations = new();
    private readonly string[] _roleIds = ["r-member", "r-reader"];
    private TokenPayload _token = null!;

    [Params(0, 10_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        Directory.CreateDirectory(_directory);
        if (!DatabaseUrl.TryParse("sqlite:///keystone.db", _directory, out var url, out var error))
        {
            throw new InvalidOperationException(error);
        }
        var database = new IdentityDatabase(url);
        database.Database.Migrate();
        var now = DateTime.UtcNow;
        await using (var db = database.Open())
        {
            var events = Enumerable.Range(0, Events).Select(i => new RevocationEventRecord
            {
                UserId = i % 2 == 0 ? Guid.NewGuid().ToString("N") : null,
                AuditId = i % 2 == 1 ? Guid.NewGuid().ToString("N")[..22] : null,
                IssuedBefore = now,
                RevokedAt = now,
                ExpiresAt = now.AddHours(1),
            });
            await db.BulkCopyAsync(events);
            await _revocations.RefreshAsync(db, now, CancellationToken.None);
        }
        _token = new TokenPayload(Guid.NewGuid().ToString("N"), 2, DateTimeOffset.UtcNow.AddHours(1), ["Xs9Hl0UYQ3ezGYxlB1Jb1A"],
            ProjectId: Guid.NewGuid().ToString("N"))
        { IssuedAt = DateTimeOffset.UtcNow.AddMinutes(-5) };
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public bool IsRevoked() => _revocations.IsRevoked(_token, "default", "default", _roleIds);
}
