using System.Reflection;
using System.Runtime.CompilerServices;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Generators.MySql;
using FluentMigrator.Runner.VersionTableInfo;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.MySql;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.Mapping;
using Microsoft.Extensions.DependencyInjection;

namespace Archway.Data.Database;

/// <summary>
/// One service's database: opens linq2db connections and runs that service's FluentMigrator history.
/// linq2db's <see cref="DataConnection"/> is the query layer and its transaction the unit of work.
/// </summary>
public sealed class Database
{

    private readonly DataOptions _options;
    private readonly Assembly _migrations;

    public Database(DatabaseUrl url, MappingSchema mappingSchema, Assembly migrations)
    {
        Url = url;
        _migrations = migrations;
        _options = url.Engine switch
        {
            DatabaseEngine.Sqlite => new DataOptions().UseSQLite(url.ConnectionString, LinqToDB.DataProvider.SQLite.SQLiteProvider.Microsoft),
            DatabaseEngine.MySql => new DataOptions().UseMySql(url.ConnectionString, MySqlVersion.AutoDetect, MySqlProvider.MySqlConnector),
            DatabaseEngine.PostgreSql => new DataOptions().UsePostgreSQL(url.ConnectionString, PostgreSQLVersion.v13),
            _ => throw new ArgumentOutOfRangeException(nameof(url), url.Engine, "unknown database engine"),
        };
        _options = _options.UseMappingSchema(mappingSchema);
    }

    public DatabaseUrl Url { get; }

    public DataConnection Open() => new(_options);

    /// <summary>Applies every migration not yet applied; a database already at the latest version is left as it is.</summary>
    public void Migrate()
    {
        if (Url.Engine == DatabaseEngine.Sqlite)
        {
            PrepareSqliteFile();
        }
        if (IsCurrent())
        {
            return;
        }
        using var services = MigrationServices();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }

    /// <summary>
    /// Whether the version table records every migration this build has. Then FluentMigrator's runner, whose
    /// container and assembly scan took ~230 ms of every start-up, has nothing to do and is not started.
    /// </summary>
    internal bool IsCurrent()
    {
        var known = _migrations.GetTypes()
            .Select(type => type.GetCustomAttribute<FluentMigrator.MigrationAttribute>()?.Version)
            .OfType<long>()
            .ToList();
        var table = new MigrationVersionTable();
        try
        {
            using var connection = Open();
            var applied = connection.Query<long>($"SELECT {table.ColumnName} FROM {table.TableName}").ToHashSet();
            return known.All(applied.Contains);
        }
        catch (System.Data.Common.DbException)
        {
            // No version table yet: a new database.
            return false;
        }
    }

    /// <summary>Applies migrations up to <paramref name="version"/> only: how tests make a database at an older schema.</summary>
    internal void MigrateTo(long version)
    {
        if (Url.Engine == DatabaseEngine.Sqlite)
        {
            PrepareSqliteFile();
        }
        using var services = MigrationServices();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp(version);
    }

    /// <summary>The applied schema version (0 for an empty database) and the latest one this build knows.</summary>
    public (long Applied, long Latest) Version()
    {
        using var services = MigrationServices();
        using var scope = services.CreateScope();
        var loader = scope.ServiceProvider.GetRequiredService<IVersionLoader>();
        loader.LoadVersionInfo();
        var latest = scope.ServiceProvider.GetRequiredService<IMigrationInformationLoader>()
            .LoadMigrations().Keys.DefaultIfEmpty(0).Max();
        return (loader.VersionInfo.Latest(), latest);
    }

    private void PrepareSqliteFile()
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Url.ConnectionString);
        var directory = Path.GetDirectoryName(builder.DataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        using var connection = Open();
        // WAL lets readers (token validation) go on while a writer commits.
        connection.Execute("PRAGMA journal_mode=WAL");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSQLite(IMigrationRunnerBuilder runner) => runner.AddSQLite();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddMySql(IMigrationRunnerBuilder runner)
    {
        runner.AddMySql5();
        runner.Services.AddScoped<MySql5Generator, ArchwayMySqlGenerator>();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddPostgres(IMigrationRunnerBuilder runner) => runner.AddPostgres();

    private ServiceProvider MigrationServices() =>
        new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                // One method per engine, so that only the engine in use has its FluentMigrator runner loaded.
                switch (Url.Engine)
                {
                    case DatabaseEngine.Sqlite:
                        AddSQLite(runner);
                        break;
                    case DatabaseEngine.MySql:
                        AddMySql(runner);
                        break;
                    case DatabaseEngine.PostgreSql:
                        AddPostgres(runner);
                        break;
                }
                runner.WithGlobalConnectionString(Url.ConnectionString).ScanIn(_migrations).For.Migrations();
            })
            .AddScoped<IVersionTableMetaData, MigrationVersionTable>()
            .BuildServiceProvider(validateScopes: false);
}
