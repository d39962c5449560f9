using Archway.Data.Database;
using LinqToDB.Data;
using MySqlConnector;
using Npgsql;

namespace Archway.Testing;

/// <summary>
/// The database engines the suites run on. tests/databases/start.sh (called by test.sh) starts MariaDB and PostgreSQL
/// and exports ARCHWAY_TEST_MYSQL_URL and ARCHWAY_TEST_POSTGRES_URL; ARCHWAY_TEST_DATABASE=sqlite|mysql|postgres says
/// which engine the in-process HTTP fixtures use (SQLite when unset). Each fixture gets a fresh database of its own,
/// named after the base URL's database plus a unique suffix, so that parallel test classes never share rows.
/// </summary>
public static class TestDatabases
{
    public const string MySqlVariable = "ARCHWAY_TEST_MYSQL_URL";
    public const string PostgresVariable = "ARCHWAY_TEST_POSTGRES_URL";

    /// <summary>The engine the HTTP fixtures run on: sqlite (default), mysql or postgres.</summary>
    public static string Engine => Environment.GetEnvironmentVariable("ARCHWAY_TEST_DATABASE") is { Length: > 0 } engine
        ? engine
        : "sqlite";

    /// <summary>
    /// The [database] section for a fixture on <see cref="Engine"/>: empty for SQLite (the fixture's own file),
    /// else a connection to a freshly created database.
    /// </summary>
    public static string DatabaseSection() => Engine switch
    {
        "sqlite" => "",
        "mysql" or "postgres" => $"\n[database]\nconnection = {Create(Engine)}\n",
        _ => throw new InvalidOperationException($"ARCHWAY_TEST_DATABASE={Engine}: expected sqlite, mysql or postgres"),
    };

    /// <summary>Why a test on <paramref name="engine"/> cannot run here, or null when it can (or must: CI=true).</summary>
    public static string? SkipReason(string engine)
    {
        if (engine == "sqlite" || Environment.GetEnvironmentVariable(Variable(engine)) is { Length: > 0 })
        {
            return null;
        }
        // On CI a missing server is a failure, not a skip: the test runs and reports the missing variable.
        return Environment.GetEnvironmentVariable("CI") == "true"
            ? null
            : $"{Variable(engine)} is not set (tests/databases/start.sh starts MariaDB and PostgreSQL and prints it)";
    }

    /// <summary>A fresh empty database on <paramref name="engine"/> (sqlite: a new file in the temp directory).</summary>
    public static DatabaseUrl Fresh(string engine)
    {
        var url = engine == "sqlite"
            ? "sqlite:///" + Path.Combine(Path.GetTempPath(), "archway-test-" + Guid.NewGuid().ToString("N") + ".db")
            : Create(engine);
        return DatabaseUrl.TryParse(url, "/", out var parsed, out var error)
            ? parsed
            : throw new InvalidOperationException(error);
    }

    /// <summary>Creates an empty database on <paramref name="engine"/> (mysql or postgres) and returns its SQLAlchemy URL.</summary>
    public static string Create(string engine)
    {
        var variable = Variable(engine);
        var baseUrl = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(baseUrl))
        {
            throw new InvalidOperationException($"{variable} is not set: run tests/databases/start.sh (test.sh does) to start the {engine} server");
        }
        var name = BaseName(baseUrl) + "_" + Guid.NewGuid().ToString("N")[..12];
        if (!DatabaseUrl.TryParse(baseUrl, "/", out var parsed, out var error))
        {
            throw new InvalidOperationException($"{variable}: {error}");
        }
        if (parsed.Engine == DatabaseEngine.MySql)
        {
            var builder = new MySqlConnectionStringBuilder(parsed.ConnectionString) { Database = "" };
            using var connection = new MySqlConnection(builder.ConnectionString);
            connection.Open();
            using var command = new MySqlCommand($"CREATE DATABASE `{name}`", connection);
            command.ExecuteNonQuery();
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString) { Database = "postgres", Pooling = false };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return baseUrl[..baseUrl.LastIndexOf('/')] + "/" + name;
    }

    /// <summary>Drops a database <see cref="Fresh"/> made (a SQLite file with its journal).</summary>
    public static void Drop(DatabaseUrl url)
    {
        switch (url.Engine)
        {
            case DatabaseEngine.MySql:
                {
                    var builder = new MySqlConnectionStringBuilder(url.ConnectionString);
                    var name = builder.Database;
                    using (var pooled = new MySqlConnection(url.ConnectionString))
                    {
                        MySqlConnection.ClearPool(pooled);
                    }
                    builder.Database = "";
                    using var connection = new MySqlConnection(builder.ConnectionString);
                    connection.Open();
                    using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
                    command.ExecuteNonQuery();
                    break;
                }
            case DatabaseEngine.PostgreSql:
                {
                    var builder = new NpgsqlConnectionStringBuilder(url.ConnectionString);
                    var name = builder.Database;
                    using (var pooled = new NpgsqlConnection(url.ConnectionString))
                    {
                        NpgsqlConnection.ClearPool(pooled);
                    }
                    builder.Database = "postgres";
                    builder.Pooling = false;
                    using var connection = new NpgsqlConnection(builder.ConnectionString);
                    connection.Open();
                    using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                    command.ExecuteNonQuery();
                    break;
                }
            default:
                var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(url.ConnectionString).DataSource;
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                {
                    File.Delete(path);
                }
                break;
        }
    }

    /// <summary>SELECT COUNT(*) of a table, its name quoted as the connection's engine quotes names.</summary>
    public static Task<long> CountRowsAsync(this LinqToDB.Data.DataConnection db, string table)
    {
        var quoted = db.DataProvider.Name.Contains("MySql", StringComparison.OrdinalIgnoreCase) ? $"`{table}`" : $"\"{table}\"";
        return db.ExecuteAsync<long>($"SELECT COUNT(*) FROM {quoted}");
    }

    private static string Variable(string engine) => engine switch
    {
        "mysql" => MySqlVariable,
        "postgres" => PostgresVariable,
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "expected mysql or postgres"),
    };

    private static string BaseName(string url)
    {
        var path = url[(url.LastIndexOf('/') + 1)..];
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }
}

/// <summary>One theory row per engine: skipped where the engine's server is not configured, except on CI.</summary>
public sealed class EngineDataAttribute : Xunit.Sdk.DataAttribute
{
    private readonly string _engine;

    public EngineDataAttribute(string engine)
    {
        _engine = engine;
        Skip = TestDatabases.SkipReason(engine);
    }

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[_engine]];
}

/// <summary>A fact that needs a database engine's server: skipped where none is configured, except on CI.</summary>
public sealed class EngineFactAttribute : FactAttribute
{
    public EngineFactAttribute(string engine)
    {
        Skip = TestDatabases.SkipReason(engine);
    }
}
