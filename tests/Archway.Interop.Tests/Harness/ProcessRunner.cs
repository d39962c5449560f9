using System.Diagnostics;
using System.Text;

namespace Archway.Interop.Tests.Harness;

/// <summary>Runs a short-lived child process to the end with a bound on its time, capturing both streams.</summary>
public static class ProcessRunner
{
    public static async Task<CommandResult> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.UseShellExecute = false;
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.StandardErrorEncoding = Encoding.UTF8;
        var display = Display(start);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {display}");
        // No child may wait on our stdin (CI has none): it sees end of file at once.
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        return new CommandResult(display, timedOut ? -1 : process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>The command line, with arguments quoted where a shell would need it.</summary>
    public static string Display(ProcessStartInfo start) =>
        string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList).Select(Quote));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,+".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
