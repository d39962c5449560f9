using Archway.Data.Database;
using Microsoft.Data.Sqlite;

namespace Archway.Data.Tests.Database;

public sealed class DatabaseUrlTests
{
    [Theory]
    [InlineData("sqlite:///keystone.db", "/data/keystone.db")]
    [InlineData("sqlite:///sub/dir/keystone.db", "/data/sub/dir/keystone.db")]
    [InlineData("sqlite:////var/lib/keystone/keystone.db", "/var/lib/keystone/keystone.db")]
    [InlineData("sqlite:////tmp/with%20space.db", "/tmp/with space.db")]
    public void Sqlite_urls_resolve_relative_to_the_data_directory(string url, string path)
    {
        Assert.True(DatabaseUrl.TryParse(url, "/data", out var parsed, out var error), error);
        Assert.Equal(DatabaseEngine.Sqlite, parsed.Engine);
        var builder = new SqliteConnectionStringBuilder(parsed.ConnectionString);
        Assert.Equal(path, builder.DataSource);
        Assert.True(builder.ForeignKeys);
    }

    [Theory]
    [InlineData("keystone.db", "is not a SQLAlchemy URL")]
    [InlineData("sqlite://", "in-memory")]
    [InlineData("sqlite://host/x.db", "names a host")]
    [InlineData("oracle://u:p@h/db", "'oracle://' is not supported")]
    [InlineData("mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone", "not supported yet")]
    [InlineData("postgresql://u:p@h/db", "not supported yet")]
    public void Unsupported_urls_are_refused_with_a_message_naming_them(string url, string message)
    {
        Assert.False(DatabaseUrl.TryParse(url, "/data", out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
