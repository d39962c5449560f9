using System.Diagnostics;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Cli;

/// <summary>
/// The install guide's database step as written: MariaDB's keystone database made with the guide's CREATE DATABASE
/// and GRANT statements, keystone.conf's
/// <c>connection = mysql+pymysql://keystone:KEYSTONE_DBPASS@127.0.0.1/keystone</c>, <c>archway up --config</c>,
/// then <c>openstack token issue</c>.
/// </summary>
public sealed class GuideMariaDbTests(ITestOutputHelper output) : IDisposable
{
    private const string Connection = "mysql+pymysql://keystone:KEYSTONE_DBPASS@127.0.0.1/keystone";

    private readonly OpenStackCli _openstack = new(output.WriteLine);

    [Fact]
    public async Task Archway_up_on_the_guides_mariadb_database_issues_tokens_to_the_openstack_cli()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output) || !MariaDbStarted())
        {
            return;
        }
        // The guide's statements verbatim, on a keystone database made afresh (an earlier run's admin, catalog and
        // openrc belong to another data directory). As MariaDB's root over its socket, as the guide's `mysql` does.
        await RootAsync("DROP DATABASE IF EXISTS keystone");
        await RootAsync("""
            CREATE DATABASE keystone;
            GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'localhost' IDENTIFIED BY 'KEYSTONE_DBPASS';
            GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'%' IDENTIFIED BY 'KEYSTONE_DBPASS';
            """);
        using var configuration = new TemporaryDirectory("guide-mariadb");
        var config = Path.Combine(configuration.Path, "keystone.conf");
        await File.WriteAllTextAsync(config, $"[database]\nconnection = {Connection}\n");

        // The guide's admin password.
        await using var server = await ArchwayServer.StartAsync("ADMIN_PASS", "--config", config);
        var token = await IssuedToken.IssueAsync(_openstack, server.Openrc());
        Assert.Matches("^[0-9a-f]{32}$", token.UserId);

        // The admin it authenticated lives in MariaDB's keystone database, as the guide's account sees it.
        var admin = await MariaDbAsync("SELECT id FROM user WHERE name = 'admin'");
        Assert.Equal(token.UserId, admin.Trim());
        (await server.ManageAsync("db", "version", "--config", config)).AssertSucceeded("archway db version on MariaDB");
    }

    public void Dispose() => _openstack.Dispose();

    /// <summary>test.sh starts MariaDB and exports ARCHWAY_TEST_MYSQL_URL; without it the test says so (and fails on CI).</summary>
    private bool MariaDbStarted()
    {
        if (Environment.GetEnvironmentVariable("ARCHWAY_TEST_MYSQL_URL") is { Length: > 0 })
        {
            return true;
        }
        const string message = "ARCHWAY_TEST_MYSQL_URL is not set: run tests/databases/start.sh (test.sh does) to start MariaDB";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }
        output.WriteLine("NOT RUN: " + message);
        return false;
    }

    private static async Task RootAsync(string sql) =>
        (await ProcessRunner.RunAsync(new ProcessStartInfo("mariadb", ["-e", sql]), TimeSpan.FromSeconds(30))).AssertSucceeded("as MariaDB's root");

    private static async Task<string> MariaDbAsync(string sql)
    {
        var start = new ProcessStartInfo("mariadb", ["-h", "127.0.0.1", "-u", "keystone", "-pKEYSTONE_DBPASS", "-N", "-e", sql, "keystone"]);
        return (await ProcessRunner.RunAsync(start, TimeSpan.FromSeconds(30))).AssertSucceeded().StandardOutput;
    }
}
