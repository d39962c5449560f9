using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace Archway.Data.Database;

/// <summary>
/// A SQLAlchemy database URL as keystone.conf and glance-api.conf write it in <c>[database] connection</c>
/// (<c>sqlite:///relative.db</c>, <c>sqlite:////absolute.db</c>, <c>mysql+pymysql://user:pass@host/db</c>, ...),
/// mapped to an engine and an ADO.NET connection string.
/// </summary>
public sealed record DatabaseUrl(DatabaseEngine Engine, string ConnectionString, string Display)
{
    public static bool TryParse(string url, string baseDirectory, [NotNullWhen(true)] out DatabaseUrl? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = $"'{url}' is not a SQLAlchemy URL (expected e.g. sqlite:///keystone.db or mysql+pymysql://user:pass@host/db)";
            return false;
        }
        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var dialect = scheme.Split('+')[0];
        switch (dialect)
        {
            case "sqlite":
                return TryParseSqlite(rest, baseDirectory, out result, out error);
            case "mysql" or "mariadb" or "postgresql" or "postgres":
                error = $"'{scheme}://' databases are not supported yet: use a sqlite:/// URL";
                return false;
            default:
                error = $"the database URL scheme '{scheme}://' is not supported (sqlite, mysql, postgresql are)";
                return false;
        }
    }

    private static bool TryParseSqlite(string rest, string baseDirectory, [NotNullWhen(true)] out DatabaseUrl? result, [NotNullWhen(false)] out string? error)
    {
        // SQLAlchemy: sqlite:// (empty) is in-memory; sqlite:///x is relative x; sqlite:////x is absolute /x.
        result = null;
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }
        if (rest.Length == 0 || rest == "/" || rest == "/:memory:")
        {
            error = "an in-memory sqlite:// database would lose everything at exit: give a file, e.g. sqlite:///keystone.db";
            return false;
        }
        if (rest[0] != '/')
        {
            error = $"sqlite URL 'sqlite://{rest}' names a host; SQLite URLs look like sqlite:///relative.db or sqlite:////absolute.db";
            return false;
        }
        var path = Uri.UnescapeDataString(rest[1..]);
        var fullPath = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        };
        result = new DatabaseUrl(DatabaseEngine.Sqlite, builder.ToString(), "sqlite:///" + fullPath);
        error = null;
        return true;
    }
}
