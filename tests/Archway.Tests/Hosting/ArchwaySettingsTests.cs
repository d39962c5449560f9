using Archway.Data.Configuration;
using Archway.Hosting;

namespace Archway.Tests.Hosting;

public sealed class ArchwaySettingsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "archway-settings-" + Guid.NewGuid().ToString("N"));

    public ArchwaySettingsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Defaults_put_every_piece_of_state_under_the_data_directory()
    {
        var settings = ArchwaySettings.Load(null, _directory);
        Assert.Equal(Path.Combine(_directory, "fernet-keys"), settings.Identity.FernetKeyRepository);
        Assert.Equal(Path.Combine(_directory, "credential-keys"), settings.Identity.CredentialKeyRepository);
        Assert.Equal("sqlite:///" + Path.Combine(_directory, "keystone.db"), settings.Identity.Database.Display);
        Assert.Equal(3600, settings.Identity.TokenExpiration);
        Assert.Equal(3, settings.Identity.FernetMaxActiveKeys);
    }

    [Fact]
    public void The_guides_options_are_read_and_unknown_ones_are_reported()
    {
        var config = Write("""
            [database]
            connection = sqlite:////tmp/elsewhere/keystone.db
            [token]
            provider = fernet
            expiration = 600
            [fernet_tokens]
            key_repository = /etc/keystone/fernet-keys/
            max_active_keys = 5
            [identity]
            password_hash_rounds = 10
            [unknown_section]
            whatever = 1
            """);
        var settings = ArchwaySettings.Load(config, _directory);
        Assert.Equal("sqlite:////tmp/elsewhere/keystone.db", settings.Identity.Database.Display);
        Assert.Equal(600, settings.Identity.TokenExpiration);
        Assert.Equal("/etc/keystone/fernet-keys/", settings.Identity.FernetKeyRepository);
        Assert.Equal(5, settings.Identity.FernetMaxActiveKeys);
        Assert.Equal(10, settings.Identity.PasswordHashRounds);
        Assert.Equal([("unknown_section", "whatever")], settings.UnknownOptions.Select(o => (o.Section, o.Name)));
    }

    [Fact]
    public void Invalid_values_stop_start_up_with_every_problem_named()
    {
        var config = Write("""
            [database]
            connection = oracle+cx_oracle://keystone:KEYSTONE_DBPASS@controller/keystone
            [token]
            provider = uuid
            expiration = an hour
            [identity]
            password_hash_algorithm = md5
            """);
        var error = Assert.Throws<ConfigurationException>(() => ArchwaySettings.Load(config, _directory));
        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("[database] connection", StringComparison.Ordinal) && p.Contains("'oracle+cx_oracle://' is not supported", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("[token] provider = 'uuid'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("[token] expiration = 'an hour'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("[identity] password_hash_algorithm = 'md5'", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_overrides_the_file()
    {
        // An option no other test depends on: the environment is shared by tests running in parallel.
        var config = Write("[identity]\nmax_password_length = 600\n");
        Environment.SetEnvironmentVariable("ARCHWAY__IDENTITY__MAX_PASSWORD_LENGTH", "120");
        try
        {
            Assert.Equal(120, ArchwaySettings.Load(config, _directory).Identity.MaxPasswordLength);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ARCHWAY__IDENTITY__MAX_PASSWORD_LENGTH", null);
        }
    }

    [Fact]
    public void A_missing_config_file_is_an_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => ArchwaySettings.Load(Path.Combine(_directory, "nope.conf"), _directory));
        Assert.Contains("does not exist", error.Problems[0], StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(_directory, "keystone.conf");
        File.WriteAllText(path, text);
        return path;
    }
}
