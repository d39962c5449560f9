using System.Data.Common;

namespace Archway.Data.Database;

/// <summary>
/// Recognises the database's own integrity errors, so a race lost at the database becomes a 409, not a 500; and
/// an unreachable database, so that requests during an outage get a 503 rather than a 500.
/// </summary>
public static class DatabaseErrors
{
    /// <summary>
    /// The database could not be reached, the connection broke, no pooled connection came free within pool_timeout,
    /// or the server is shutting down or refusing connections: a condition that passes, not a fault in the request.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another writer held the file too long.
                case Microsoft.Data.Sqlite.SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6:
                    return true;
                // Cannot connect (refused, timed out, pool exhausted), server shutting down, too many connections,
                // or the connection lost mid-command (MySqlConnector reports these without a server error number).
                case MySqlConnector.MySqlException mysql when mysql.ErrorCode is MySqlConnector.MySqlErrorCode.UnableToConnectToHost
                    or MySqlConnector.MySqlErrorCode.ServerShutdown or MySqlConnector.MySqlErrorCode.ConnectionCountError
                    or MySqlConnector.MySqlErrorCode.TooManyUserConnections or MySqlConnector.MySqlErrorCode.CommandTimeoutExpired:
                    return true;
                // PostgreSQL connection_exception (08...), admin/crash shutdown and cannot_connect_now (57P01-57P03),
                // too_many_connections (53300).
                case Npgsql.PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300":
                    return true;
                case Npgsql.PostgresException:
                    return false;
                // Npgsql's own (not the server's) errors are connection failures: refused, broken, pool timeout.
                case Npgsql.NpgsqlException:
                    return true;
                case System.Net.Sockets.SocketException or EndOfStreamException or TimeoutException:
                    return true;
            }
        }
        return false;
    }

    public static bool IsUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // SQLite: SQLITE_CONSTRAINT (19) with the UNIQUE or PRIMARY KEY extended codes.
                case Microsoft.Data.Sqlite.SqliteException sqlite when sqlite.SqliteErrorCode == 19
                    && sqlite.SqliteExtendedErrorCode is 2067 or 1555:
                    return true;
                // MySQL/MariaDB ER_DUP_ENTRY (its SQLSTATE 23000 is shared by every integrity error).
                case MySqlConnector.MySqlException mysql when mysql.ErrorCode == MySqlConnector.MySqlErrorCode.DuplicateKeyEntry:
                    return true;
                // PostgreSQL unique_violation.
                case DbException db when db.SqlState is "23505":
                    return true;
            }
        }
        return false;
    }

    public static bool IsForeignKeyViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Microsoft.Data.Sqlite.SqliteException sqlite when sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 787:
                    return true;
                // MySQL/MariaDB ER_ROW_IS_REFERENCED_2 and ER_NO_REFERENCED_ROW_2.
                case MySqlConnector.MySqlException mysql when mysql.ErrorCode
                    is MySqlConnector.MySqlErrorCode.RowIsReferenced2 or MySqlConnector.MySqlErrorCode.NoReferencedRow2:
                    return true;
                // PostgreSQL foreign_key_violation.
                case DbException db when db.SqlState is "23503":
                    return true;
            }
        }
        return false;
    }
}
