using Archway.Data.Configuration;

namespace Archway.Data.Tests.Configuration;

public sealed class OptionReaderTests
{
    [Fact]
    public void Typed_values_defaults_and_unknown_options()
    {
        var reader = new OptionReader(IniFile.Parse("[token]\nexpiration = 600\ncaching = no\n[typo]\nx = 1\n", "f"));
        Assert.Equal(600, reader.Int("token", "expiration", 3600));
        Assert.False(reader.Bool("token", "caching", true));
        Assert.Equal(3, reader.Int("fernet_tokens", "max_active_keys", 3));
        Assert.Empty(reader.Problems);
        Assert.Equal([("typo", "x")], reader.Unknown().Select(v => (v.Section, v.Name)));
    }

    [Fact]
    public void Every_invalid_value_is_reported_naming_section_and_option()
    {
        var reader = new OptionReader(IniFile.Parse("[token]\nexpiration = soon\n[fernet_tokens]\nmax_active_keys = 0\n[x]\nflag = maybe\n", "k.conf"));
        reader.Int("token", "expiration", 3600);
        reader.Int("fernet_tokens", "max_active_keys", 3, min: 1);
        reader.Bool("x", "flag", false);
        var error = Assert.Throws<ConfigurationException>(reader.ThrowIfInvalid);
        Assert.Equal(3, error.Problems.Count);
        Assert.Contains("[token] expiration = 'soon' (k.conf:2) is not an integer", error.Problems);
        Assert.Contains("[fernet_tokens] max_active_keys = '0' (k.conf:4) must be at least 1", error.Problems);
        Assert.Contains("[x] flag = 'maybe' (k.conf:6) is not a boolean (true/false)", error.Problems);
    }
}
