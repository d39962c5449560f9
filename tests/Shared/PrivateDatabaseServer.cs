using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Archway.Testing;

/// <summary>
/// A MariaDB or PostgreSQL server of a test's own (own data directory, own free port), from the Debian packages
/// test.sh installs, so that a test can stop and start it without disturbing the shared servers other tests use.
/// </summary>
public sealed class PrivateDatabaseServer : IAsyncDisposable
{
    private readonly string _engine;
    private readonly string _directory;
    private readonly int _port;
    private Process? _mariadb;

    private PrivateDatabaseServer(string engine, string directory, int port)
    {
        _engine = engine;
        _directory = directory;
        _port = port;
    }

    /// <summary>The SQLAlchemy URL of the server's <c>keystone</c> database.</summary>
    public string Url => _engine == "mysql"
        ? $"mysql+pymysql://root@127.0.0.1:{_port}/keystone"
        : $"postgresql://archway@127.0.0.1:{_port}/keystone";

    public static async Task<PrivateDatabaseServer> StartAsync(string engine)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"archway-{engine}-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var server = new PrivateDatabaseServer(engine, directory, FreePort());
        if (engine == "mysql")
        {
            await RunAsync("mariadb-install-db", $"--no-defaults --datadir={directory}/data --user=root --auth-root-authentication-method=normal --skip-test-db");
            await server.StartAgainAsync();
            await RunAsync("mariadb", $"--no-defaults -h 127.0.0.1 -P {server._port} -u root -e \"CREATE DATABASE keystone\"");
        }
        else
        {
            await AsPostgresAsync(directory, "initdb", $"-D {directory}/data -A trust -U archway --no-sync");
            await server.StartAgainAsync();
            await AsPostgresAsync(directory, "createdb", $"-h 127.0.0.1 -p {server._port} -U archway keystone");
        }
        return server;
    }

    /// <summary>Starts the server (again, on the same port and data), returning once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (_engine == "mysql")
        {
            _mariadb = Process.Start(new ProcessStartInfo("mariadbd",
                $"--no-defaults --datadir={_directory}/data --port={_port} --bind-address=127.0.0.1 --socket={_directory}/mariadb.sock "
                + $"--pid-file={_directory}/mariadb.pid --user=root --skip-grant-tables --innodb-flush-log-at-trx-commit=2 --log-error={_directory}/error.log")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!await TryConnectAsync())
            {
                if (DateTime.UtcNow > deadline || _mariadb.HasExited)
                {
                    throw new InvalidOperationException($"mariadbd did not start: {await File.ReadAllTextAsync($"{_directory}/error.log")}");
                }
                await Task.Delay(100);
            }
        }
        else
        {
            await AsPostgresAsync(_directory, "pg_ctl",
                $"-D {_directory}/data -l {_directory}/postgres.log -w -o \"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off\" start");
        }
    }

    /// <summary>Stops the server abruptly, as a crash or a pulled cable would: open connections break.</summary>
    public async Task StopAsync()
    {
        if (_engine == "mysql")
        {
            if (_mariadb is { HasExited: false })
            {
                _mariadb.Kill();
                await _mariadb.WaitForExitAsync();
            }
            _mariadb?.Dispose();
            _mariadb = null;
        }
        else
        {
            await AsPostgresAsync(_directory, "pg_ctl", $"-D {_directory}/data -m immediate -w stop");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private async Task<bool> TryConnectAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, _port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a PostgreSQL program as the postgres user when running as root (the server refuses root).</summary>
    private static async Task AsPostgresAsync(string directory, string program, string arguments)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => Version.Parse(Path.GetFileName(d) + ".0")).Last() + "/bin/";
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", $"-R postgres {directory}");
            await RunAsync("runuser", $"-u postgres -- {bin}{program} {arguments}");
        }
        else
        {
            await RunAsync(bin + program, arguments);
        }
    }

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments}: exit {process.ExitCode}: {await output}{await error}");
        }
    }
}
