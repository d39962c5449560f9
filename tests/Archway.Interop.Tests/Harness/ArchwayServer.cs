namespace Archway.Interop.Tests.Harness;

/// <summary>
/// `archway up` on a fresh data directory and free ports, bootstrapped with <see cref="Password"/> (or a generated
/// one when that is null); the directory goes away on dispose.
/// </summary>
public sealed class ArchwayServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory;
    private readonly string[] _arguments;

    private ArchwayServer(TemporaryDirectory directory, int port, int imagePort, string? password, IReadOnlyList<string> extraArguments)
    {
        _directory = directory;
        Port = port;
        ImagePort = imagePort;
        Password = password;
        var arguments = new List<string>
        {
            "up", "--data-dir", DataDirectory, "--host", "127.0.0.1",
            "--identity-port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The Image API's; a private port keeps parallel servers apart.
            "--image-port", imagePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (password is not null)
        {
            arguments.AddRange(["--bootstrap-password", password]);
        }
        arguments.AddRange(extraArguments);
        _arguments = [.. arguments];
    }

    public string DataDirectory => Path.Combine(_directory.Path, "data");

    public int Port { get; }

    /// <summary>The Image API's port.</summary>
    public int ImagePort { get; }

    /// <summary>The Image API's URL, as its catalog endpoints name it.</summary>
    public string ImageUrl => $"http://127.0.0.1:{ImagePort}";

    /// <summary>The bootstrap password given on the command line; null when Archway was left to generate one.</summary>
    public string? Password { get; }

    /// <summary>The Identity v3 URL, as in admin-openrc's OS_AUTH_URL.</summary>
    public string AuthUrl => $"http://127.0.0.1:{Port}/v3";

    public string OpenrcPath => Path.Combine(DataDirectory, "admin-openrc");

    /// <summary>The current `archway up` process.</summary>
    public ArchwayProcess Process { get; private set; } = null!;

    /// <summary>admin-openrc's variables, as `. admin-openrc` sets them.</summary>
    public IReadOnlyDictionary<string, string> Openrc() => Harness.Openrc.Load(OpenrcPath);

    /// <summary>
    /// Starts `archway up` on a new data directory. A port taken between picking and binding it (another test's
    /// server) is retried with new ports and a new directory, since bootstrap writes the port into the catalog.
    /// </summary>
    public static async Task<ArchwayServer> StartAsync(string? password, params string[] extraArguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new ArchwayServer(new TemporaryDirectory("server"), FreePort.Pick(), FreePort.Pick(), password, extraArguments);
            try
            {
                server.Process = await ArchwayProcess.StartAsync(server._arguments);
                return server;
            }
            catch (ArchwayStartException e) when (attempt < 3 && e.Log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                server._directory.Dispose();
            }
            catch
            {
                server._directory.Dispose();
                throw;
            }
        }
    }

    /// <summary>Stops the server with SIGTERM and returns its exit status (0 for a clean stop).</summary>
    public Task<int> StopAsync() => Process.StopAsync();

    /// <summary>Runs `archway up` again, same directory, ports and arguments, after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync()
    {
        var previous = Process;
        await previous.DisposeAsync();
        Process = await ArchwayProcess.StartAsync(_arguments);
    }

    /// <summary>A management command (`db version`, `fernet rotate`, ...) on this server's data directory.</summary>
    public Task<CommandResult> ManageAsync(params string[] arguments) =>
        ArchwayBinary.RunAsync([.. arguments, "--data-dir", DataDirectory]);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _directory.Dispose();
    }
}
