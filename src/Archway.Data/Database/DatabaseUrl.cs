using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Archway.Data.Configuration;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Archway.Data.Database;

/// <summary>
/// A SQLAlchemy database URL as keystone.conf and glance-api.conf write it in <c>[database] connection</c>
/// (<c>sqlite:///relative.db</c>, <c>sqlite:////absolute.db</c>, <c>mysql+pymysql://user:pass@host/db</c>,
/// <c>postgresql://user:pass@host:5432/db</c>, ...), mapped to an engine and an ADO.NET connection string.
/// <see cref="Display"/> is the URL with its password masked, for logs and command output.
/// </summary>
public sealed partial record DatabaseUrl(DatabaseEngine Engine, string ConnectionString, string Display)
{
    // The drivers Keystone's and Glance's deployments name; each maps to one ADO.NET provider here.
    private static readonly string[] MySqlDrivers = ["", "pymysql", "mysqldb", "mysqlconnector"];
    private static readonly string[] PostgreSqlDrivers = ["", "psycopg2", "psycopg"];

    static DatabaseUrl()
    {
        // Timestamps are UTC wall-clock values in `timestamp` columns on every engine (SQLite and MySQL keep no zone);
        // Npgsql's legacy mapping writes a DateTime of any Kind there as it is, as the other providers do. Set here
        // because every database connection starts from a parsed URL, before Npgsql first reads the switch.
        AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);
    }

    /// <summary>
    /// Reads <c>[database] connection</c> (default <paramref name="defaultUrl"/>) and the pool options oslo.db
    /// names (max_pool_size, max_overflow, pool_timeout, connection_recycle_time), reporting problems to the reader.
    /// </summary>
    public static DatabaseUrl? Read(OptionReader reader, string defaultUrl, string dataDirectory)
    {
        var connection = reader.Raw("database", "connection");
        var pool = new DatabasePool(
            MaxPoolSize: reader.Int("database", "max_pool_size", 5, min: 1),
            MaxOverflow: reader.Int("database", "max_overflow", 50, min: 0),
            PoolTimeoutSeconds: reader.Int("database", "pool_timeout", 30, min: 1),
            ConnectionRecycleSeconds: reader.Int("database", "connection_recycle_time", 3600, min: 0));
        if (!TryParse(connection?.Value ?? defaultUrl, dataDirectory, out var url, out var error))
        {
            if (connection is not null)
            {
                // The URL as shown in the error keeps its password out of logs and terminals.
                reader.Problem(connection with { Value = MaskUrl(connection.Value) }, error);
            }
            return null;
        }
        return url.WithPool(pool);
    }

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
        var plus = scheme.IndexOf('+', StringComparison.Ordinal);
        var dialect = plus < 0 ? scheme : scheme[..plus];
        var driver = plus < 0 ? "" : scheme[(plus + 1)..];
        switch (dialect)
        {
            case "sqlite" when driver is "" or "pysqlite":
                return TryParseSqlite(rest, baseDirectory, out result, out error);
            case "mysql" or "mariadb" when MySqlDrivers.Contains(driver):
                return TryParseServer(DatabaseEngine.MySql, scheme, rest, out result, out error);
            case "postgresql" when PostgreSqlDrivers.Contains(driver):
                return TryParseServer(DatabaseEngine.PostgreSql, scheme, rest, out result, out error);
            case "sqlite" or "mysql" or "mariadb" or "postgresql":
                error = $"the database driver '{scheme}://' is not supported (use sqlite:///, mysql+pymysql://, mysql://, "
                    + "mysql+mysqldb://, postgresql:// or postgresql+psycopg2://)";
                return false;
            default:
                error = $"the database URL scheme '{scheme}://' is not supported (sqlite, mysql, postgresql are)";
                return false;
        }
    }

    /// <summary>
    /// Sizes the provider's connection pool as SQLAlchemy's QueuePool would be: at most max_pool_size + max_overflow
    /// connections, a caller waits pool_timeout seconds for one, and connections older than connection_recycle_time
    /// are replaced. SQLite files have no server connections to size.
    /// </summary>
    public DatabaseUrl WithPool(DatabasePool pool) => Engine switch
    {
        // Each engine's builder is in a method of its own, so that a SQLite process never loads the other drivers.
        DatabaseEngine.MySql => this with { ConnectionString = MySqlPooled(ConnectionString, pool) },
        DatabaseEngine.PostgreSql => this with { ConnectionString = PostgreSqlPooled(ConnectionString, pool) },
        _ => this,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string MySqlPooled(string connectionString, DatabasePool pool) =>
        new MySqlConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            MaximumPoolSize = (uint)(pool.MaxPoolSize + pool.MaxOverflow),
            // MySqlConnector waits this long both for a new server connection and for a free pooled one.
            ConnectionTimeout = (uint)pool.PoolTimeoutSeconds,
            ConnectionLifeTime = (uint)pool.ConnectionRecycleSeconds,
        }.ConnectionString;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string PostgreSqlPooled(string connectionString, DatabasePool pool) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            MaxPoolSize = pool.MaxPoolSize + pool.MaxOverflow,
            // Npgsql's Timeout bounds both opening a connection and waiting for a pooled one.
            Timeout = pool.PoolTimeoutSeconds,
            ConnectionLifetime = pool.ConnectionRecycleSeconds,
        }.ConnectionString;

    // SQLAlchemy's own URL pattern: [user[:password]@][host|[ipv6]][:port][/database][?query].
    [GeneratedRegex(@"^(?:(?<user>[^:/]*)(?::(?<password>[^@]*))?@)?(?:(?:\[(?<ipv6>[^/\?]+)\]|(?<host>[^/:\?]+))?(?::(?<port>[^/\?]*))?)?(?:/(?<database>[^\?]*))?(?:\?(?<query>.*))?$")]
    private static partial Regex ServerUrlPattern();

    private static bool TryParseServer(DatabaseEngine engine, string scheme, string rest, [NotNullWhen(true)] out DatabaseUrl? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var match = ServerUrlPattern().Match(rest);
        if (!match.Success)
        {
            error = $"'{scheme}://{Mask(rest)}' is not a valid database URL (expected {scheme}://user:password@host[:port]/database)";
            return false;
        }
        var user = Unescape(match.Groups["user"]);
        var password = Unescape(match.Groups["password"]);
        var host = match.Groups["ipv6"].Success ? match.Groups["ipv6"].Value : Unescape(match.Groups["host"]);
        var database = Unescape(match.Groups["database"]);
        int? port = null;
        if (match.Groups["port"].Success && match.Groups["port"].Value.Length > 0)
        {
            if (!int.TryParse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                error = $"'{scheme}://{Mask(rest)}' has an invalid port '{match.Groups["port"].Value}'";
                return false;
            }
            port = parsed;
        }
        if (database.Length == 0)
        {
            error = $"'{scheme}://{Mask(rest)}' names no database (expected {scheme}://user:password@host/database)";
            return false;
        }
        var query = ParseQuery(match.Groups["query"].Value);
        var display = $"{scheme}://{Mask(rest)}";
        if (engine == DatabaseEngine.MySql)
        {
            var builder = new MySqlConnectionStringBuilder
            {
                Server = host.Length == 0 ? "localhost" : host,
                Port = (uint)(port ?? 3306),
                Database = database,
                UserID = user,
                Password = password,
                CharacterSet = "utf8mb4",
                // Timestamps are written and read as UTC wall-clock values, as Keystone and Glance keep them.
                DateTimeKind = MySqlDateTimeKind.Unspecified,
                GuidFormat = MySqlGuidFormat.None,
            };
            foreach (var (name, value) in query)
            {
                switch (name)
                {
                    case "unix_socket":
                        builder.Server = value;
                        builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
                        break;
                    case "charset":
                        // PyMySQL's utf8 is MySQL's three-byte utf8mb3; utf8mb4 stores everything it does.
                        builder.CharacterSet = value is "utf8" or "utf8mb3" ? "utf8mb4" : value;
                        break;
                    case "connect_timeout":
                        builder.ConnectionTimeout = uint.TryParse(value, out var seconds) ? seconds : builder.ConnectionTimeout;
                        break;
                    case "ssl_ca":
                        builder.SslCa = value;
                        builder.SslMode = MySqlSslMode.VerifyCA;
                        break;
                    case "ssl_cert":
                        builder.SslCert = value;
                        break;
                    case "ssl_key":
                        builder.SslKey = value;
                        break;
                    default:
                        // Driver tuning for Python (plugin, binary_prefix, read_timeout, ...) has no ADO.NET meaning.
                        break;
                }
            }
            result = new DatabaseUrl(engine, builder.ConnectionString, display);
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = host.Length == 0 ? "/var/run/postgresql" : host,
                Port = port ?? 5432,
                Database = database,
                Username = user.Length == 0 ? null : user,
                Password = password.Length == 0 ? null : password,
            };
            foreach (var (name, value) in query)
            {
                switch (name)
                {
                    case "host":
                        // libpq: a host starting with / is the directory of the server's unix socket.
                        builder.Host = value;
                        break;
                    case "port":
                        builder.Port = int.TryParse(value, out var queryPort) ? queryPort : builder.Port;
                        break;
                    case "sslmode" when Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var sslMode):
                        builder.SslMode = sslMode;
                        break;
                    case "sslrootcert":
                        builder.RootCertificate = value;
                        break;
                    case "sslcert":
                        builder.SslCertificate = value;
                        break;
                    case "sslkey":
                        builder.SslKey = value;
                        break;
                    case "connect_timeout":
                        builder.Timeout = int.TryParse(value, out var seconds) ? seconds : builder.Timeout;
                        break;
                    case "application_name":
                        builder.ApplicationName = value;
                        break;
                    case "client_encoding":
                        builder.ClientEncoding = value;
                        break;
                    default:
                        break;
                }
            }
            result = new DatabaseUrl(engine, builder.ConnectionString, display);
        }
        error = null;
        return true;
    }

    private static string Unescape(Group group) => group.Success ? Uri.UnescapeDataString(group.Value) : "";

    private static List<(string Name, string Value)> ParseQuery(string query) =>
        [.. query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return equals < 0
                ? (Uri.UnescapeDataString(pair), "")
                : (Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')));
        })];

    private static string MaskUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        return schemeEnd < 0 ? url : url[..(schemeEnd + 3)] + Mask(url[(schemeEnd + 3)..]);
    }

    /// <summary>The URL after the scheme with its password replaced by ***.</summary>
    private static string Mask(string rest)
    {
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return at > 0 && colon >= 0 && colon < at ? rest[..(colon + 1)] + "***" + rest[at..] : rest;
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

/// <summary>oslo.db's pool options from <c>[database]</c>, in SQLAlchemy's terms.</summary>
public sealed record DatabasePool(int MaxPoolSize, int MaxOverflow, int PoolTimeoutSeconds, int ConnectionRecycleSeconds);
