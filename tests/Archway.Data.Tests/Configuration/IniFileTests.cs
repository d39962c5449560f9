using Archway.Data.Configuration;

namespace Archway.Data.Tests.Configuration;

public sealed class IniFileTests
{
    [Fact]
    public void Reads_the_guides_keystone_conf()
    {
        var file = IniFile.Parse("""
            [DEFAULT]
            # comment
            debug = true

            [database]
            connection = mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone
            ; another comment
            [token]
            provider = fernet
            """, "keystone.conf");
        Assert.Equal("mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone", file.Get("database", "connection")?.Value);
        Assert.Equal("fernet", file.Get("token", "provider")?.Value);
        Assert.Equal("true", file.Get("DEFAULT", "debug")?.Value);
        Assert.Equal("keystone.conf:6", file.Get("database", "connection")?.Source);
    }

    [Fact]
    public void Joins_continuation_lines_and_strips_quotes()
    {
        var file = IniFile.Parse("[a]\nlist = one,\n  two\nquoted = \"x y\"\n", "f");
        Assert.Equal("one,\ntwo", file.Get("a", "list")?.Value);
        Assert.Equal("x y", file.Get("a", "quoted")?.Value);
    }

    [Fact]
    public void Reports_every_malformed_line_at_once()
    {
        var error = Assert.Throws<ConfigurationException>(() => IniFile.Parse("orphan = 1\n[ok]\nno separator here\n[broken\n", "bad.conf"));
        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("bad.conf:1:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("bad.conf:3:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("bad.conf:4:", StringComparison.Ordinal));
    }
}
