using System.Diagnostics;
using System.Net.Sockets;

namespace Archway.KeystoneAuth.Tests.Harness;

/// <summary>
/// A redis-server of its own on a free port of 127.0.0.1, with no persistence, stopped when the tests are done.
/// Without the binary (Debian package redis-server) the tests fail under CI=true and skip with a message elsewhere.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public bool Available => _process is not null;

    public string Configuration { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            const string Message = "redis-server is not installed (Debian package redis-server); the Redis cache tests do not run";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(Message);
            }
            Console.Error.WriteLine(Message);
            return;
        }
        var port = IdentityHost.FreePort();
        var process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Configuration = $"127.0.0.1:{port}";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }
}
