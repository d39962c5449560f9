using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// A running `archway up` (or `serve`): started, watched until it prints its ready line, and stopped the way an
/// init system would (SIGTERM, a grace period, then SIGKILL). Its output is kept for failure messages.
/// </summary>
public sealed class ArchwayProcess : IAsyncDisposable
{
    /// <summary>The line `archway up` and `archway serve` print on stdout once the APIs accept requests.</summary>
    public const string ReadyMarker = "Archway ready:";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readers;

    private ArchwayProcess(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, isStdout: true),
            PumpAsync(process.StandardError, isStdout: false));
    }

    public string Command { get; private init; } = "";

    /// <summary>Everything written to stdout so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_log)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Both streams so far, interleaved as they arrived, each stderr line marked.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The exit status once stopped (or crashed), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// Starts `archway ARGS` and returns once it printed <see cref="ReadyMarker"/>. Throws, with all its output,
    /// when it exits first or is not ready within <paramref name="readyTimeout"/>.
    /// </summary>
    public static async Task<ArchwayProcess> StartAsync(IEnumerable<string> arguments, TimeSpan? readyTimeout = null)
    {
        var start = ArchwayBinary.CreateStartInfo(arguments);
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start archway");
        process.StandardInput.Close();
        var server = new ArchwayProcess(process) { Command = ProcessRunner.Display(start) };

        var timeout = readyTimeout ?? TimeSpan.FromSeconds(60);
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(server._ready.Task, exited, Task.Delay(timeout));
        if (first == server._ready.Task)
        {
            return server;
        }
        var why = first == exited ? $"exited with {process.ExitCode} before it was ready" : $"was not ready within {timeout.TotalSeconds:0}s";
        await server.DisposeAsync();
        throw new ArchwayStartException($"archway {why}:\n{server.Describe()}", server.Log);
    }

    /// <summary>SIGTERM, then up to 15 s for a clean exit, then SIGKILL. Returns the exit status.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, Sigterm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_log)
                {
                    _log.AppendLine($"[harness] no exit {StopGrace.TotalSeconds:0}s after SIGTERM: killed");
                }
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        try
        {
            // The pipes close with the process; the bound only guards against a grandchild holding them open.
            await _readers.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        return _process.ExitCode;
    }

    /// <summary>The command and its output so far, for assertion messages.</summary>
    public string Describe() => $"$ {Command}\n{(ExitCode is { } code ? $"(exit {code})\n" : "")}{Log}";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader, bool isStdout)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                if (isStdout)
                {
                    _stdout.AppendLine(line);
                    _log.AppendLine(line);
                }
                else
                {
                    _log.Append("[stderr] ").AppendLine(line);
                }
            }
            if (isStdout && line.StartsWith(ReadyMarker, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }
    }

    private const int Sigterm = 15;

    // A plain P/Invoke: LibraryImport would need AllowUnsafeBlocks for one blittable call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
