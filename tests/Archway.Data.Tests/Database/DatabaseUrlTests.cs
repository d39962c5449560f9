using Archway.Data.Configuration;
using Archway.Data.Database;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Archway.Data.Tests.Database;

public sealed class DatabaseUrlTests
{
    [Theory]
    [InlineData("sqlite:///keystone.db", "/data/keystone.db")]
    [InlineData("sqlite:///sub/dir/keystone.db", "/data/sub/dir/keystone.db")]
    [InlineData("sqlite:////var/lib/keystone/keystone.db", "/var/lib/keystone/keystone.db")]
    [InlineData("sqlite:////tmp/with%20space.db", "/tmp/with space.db")]
    [InlineData("sqlite:////var/lib/glance/glance.sqlite?timeout=30", "/var/lib/glance/glance.sqlite")]
    public void Sqlite_urls_resolve_relative_to_the_data_directory(string url, string path)
    {
        Assert.True(DatabaseUrl.TryParse(url, "/data", out var parsed, out var error), error);
        Assert.Equal(DatabaseEngine.Sqlite, parsed.Engine);
        var builder = new SqliteConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(path, builder.DataSource);
        Assert.True(builder.ForeignKeys);
    }

    [Theory]
    [InlineData("mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone", "controller", 3306u, "keystone", "keystone", "KEYSTONE_DBPASS")]
    [InlineData("mysql://glance:GLANCE_DBPASS@10.0.0.11:3307/glance", "10.0.0.11", 3307u, "glance", "glance", "GLANCE_DBPASS")]
    [InlineData("mysql+mysqldb://keystone:pw@db.example.org/keystone?charset=utf8", "db.example.org", 3306u, "keystone", "keystone", "pw")]
    [InlineData("mysql+pymysql://u%40x:p%40ss%3Aw%2Fo%25rd@[::1]:3308/keystone", "::1", 3308u, "keystone", "u@x", "p@ss:w/o%rd")]
    [InlineData("mariadb+pymysql://keystone:pw@127.0.0.1/keystone?plugin=dbcounter&read_timeout=30", "127.0.0.1", 3306u, "keystone", "keystone", "pw")]
    public void Mysql_urls_map_host_port_database_and_percent_encoded_credentials(string url, string host, uint port, string database, string user, string password)
    {
        Assert.True(DatabaseUrl.TryParse(url, "/data", out var parsed, out var error), error);
        Assert.Equal(DatabaseEngine.MySql, parsed.Engine);
        var builder = new MySqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(host, builder.Server);
        Assert.Equal(port, builder.Port);
        Assert.Equal(database, builder.Database);
        Assert.Equal(user, builder.UserID);
        Assert.Equal(password, builder.Password);
        Assert.Equal("utf8mb4", builder.CharacterSet);
        Assert.DoesNotContain(password, parsed.Display, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mysql_unix_socket_and_charset_come_from_the_query()
    {
        Assert.True(DatabaseUrl.TryParse("mysql+pymysql://keystone:pw@/keystone?unix_socket=/run/mysqld/mysqld.sock&charset=latin1", "/data", out var parsed, out var error), error);
        var builder = new MySqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal("/run/mysqld/mysqld.sock", builder.Server);
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, builder.ConnectionProtocol);
        Assert.Equal("latin1", builder.CharacterSet);
        Assert.Equal("keystone", builder.Database);
    }

    [Theory]
    [InlineData("postgresql://keystone:KEYSTONE_DBPASS@controller/keystone", "controller", 5432, "keystone", "keystone", "KEYSTONE_DBPASS")]
    [InlineData("postgresql+psycopg2://glance:p%40ss@10.0.0.11:5433/glance?sslmode=require", "10.0.0.11", 5433, "glance", "glance", "p@ss")]
    public void Postgresql_urls_map_host_port_database_and_credentials(string url, string host, int port, string database, string user, string password)
    {
        Assert.True(DatabaseUrl.TryParse(url, "/data", out var parsed, out var error), error);
        Assert.Equal(DatabaseEngine.PostgreSql, parsed.Engine);
        var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
        Assert.Equal(database, builder.Database);
        Assert.Equal(user, builder.Username);
        Assert.Equal(password, builder.Password);
        Assert.Equal("postgresql" + url[url.IndexOf("://", StringComparison.Ordinal)..].Replace(password.Replace("@", "%40", StringComparison.Ordinal), "***", StringComparison.Ordinal),
            parsed.Display.Replace("+psycopg2", "", StringComparison.Ordinal));
    }

    [Fact]
    public void A_postgresql_socket_directory_comes_from_the_host_query()
    {
        Assert.True(DatabaseUrl.TryParse("postgresql://keystone@/keystone?host=/var/run/postgresql", "/data", out var parsed, out var error), error);
        var builder = new NpgsqlConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal("/var/run/postgresql", builder.Host);
        Assert.Equal("keystone", builder.Username);
    }

    [Theory]
    [InlineData("keystone.db", "is not a SQLAlchemy URL")]
    [InlineData("sqlite://", "in-memory")]
    [InlineData("sqlite://host/x.db", "names a host")]
    [InlineData("oracle://u:p@h/db", "'oracle://' is not supported")]
    [InlineData("mssql+pyodbc://u:p@h/db", "'mssql+pyodbc://' is not supported")]
    [InlineData("mysql+foo://u:p@h/db", "driver 'mysql+foo://' is not supported")]
    [InlineData("postgresql+pg8000://u:p@h/db", "driver 'postgresql+pg8000://' is not supported")]
    [InlineData("mysql+pymysql://u:p@h", "names no database")]
    [InlineData("mysql+pymysql://u:p@h:port/db", "invalid port 'port'")]
    public void Unsupported_urls_are_refused_with_a_message_naming_them(string url, string message)
    {
        Assert.False(DatabaseUrl.TryParse(url, "/data", out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain(":p@", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_url_in_the_config_is_a_config_error_naming_it()
    {
        var reader = new OptionReader(IniFile.Parse("[database]\nconnection = oracle://keystone:pw@controller/keystone\n", "keystone.conf"));
        Assert.Null(DatabaseUrl.Read(reader, "sqlite:///keystone.db", "/data"));
        var problem = Assert.Single(reader.Problems);
        Assert.Contains("oracle://", problem, StringComparison.Ordinal);
        Assert.Contains("[database] connection = 'oracle://keystone:***@controller/keystone'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_options_size_the_provider_pool_as_sqlalchemy_would()
    {
        var config = "[database]\nconnection = mysql+pymysql://keystone:pw@controller/keystone\nmax_pool_size = 7\nmax_overflow = 3\n"
            + "pool_timeout = 4\nconnection_recycle_time = 600\n";
        var reader = new OptionReader(IniFile.Parse(config, "keystone.conf"));
        var mysql = new MySqlConnectionStringBuilder(DatabaseUrl.Read(reader, "sqlite:///keystone.db", "/data")!.ConnectionString);
        Assert.Empty(reader.Problems);
        Assert.Equal(10u, mysql.MaximumPoolSize);
        Assert.Equal(4u, mysql.ConnectionTimeout);
        Assert.Equal(600u, mysql.ConnectionLifeTime);

        reader = new OptionReader(IniFile.Parse(config.Replace("mysql+pymysql", "postgresql", StringComparison.Ordinal), "keystone.conf"));
        var postgres = new NpgsqlConnectionStringBuilder(DatabaseUrl.Read(reader, "sqlite:///keystone.db", "/data")!.ConnectionString);
        Assert.Equal(10, postgres.MaxPoolSize);
        Assert.Equal(4, postgres.Timeout);
        Assert.Equal(600, postgres.ConnectionLifetime);
    }
}
