using Archway.Identity.Schema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Archway.Identity.Tokens;

/// <summary>
/// Keeps what token validation holds in memory in step with what other processes write: revocation events in the
/// shared database (clearing the identity state cache when there are new ones) and the Fernet key repository (rotated by `archway fernet rotate` or synced from another node).
/// </summary>
internal sealed partial class TokenStateRefresher(
    IdentityDatabase database,
    RevocationList revocations,
    IdentityStateCache cache,
    FernetTokenFormatter formatter,
    TimeProvider time,
    ILogger<TokenStateRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load before serving, so that no revoked token validates in the first moments after a restart.
        await using (var db = database.Open())
        {
            await revocations.RefreshAsync(db, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = database.Open();
                // An event another process wrote (a user disabled, a role removed there) also changed what the
                // cached token states hold.
                if (await revocations.RefreshAsync(db, time.GetUtcNow().UtcDateTime, stoppingToken))
                {
                    cache.Invalidate();
                }
                formatter.ReloadKeys();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RefreshFailed(logger, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh revocation events or Fernet keys; retrying")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
