using System.Data.Common;

namespace Archway.Data.Database;

/// <summary>Recognises the database's own integrity errors, so a race lost at the database becomes a 409, not a 500.</summary>
public static class DatabaseErrors
{
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
