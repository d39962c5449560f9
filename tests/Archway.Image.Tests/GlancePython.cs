using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Archway.Image.Tests;

/// <summary>
/// Runs glance_oracle.py under Debian's /usr/bin/python3, where Glance Zed (python3-glance) is importable, to ask
/// Glance's own code what it does. Missing Glance fails the test under CI=true and skips it (with a message)
/// elsewhere: CI never passes by not running these.
/// </summary>
internal static class GlancePython
{
    public const string Interpreter = "/usr/bin/python3";
    private static readonly Lazy<Task<string?>> UnavailableReason = new(ProbeAsync);

    public static async Task<bool> EnsureAvailableAsync(Xunit.Abstractions.ITestOutputHelper output)
    {
        var reason = await UnavailableReason.Value;
        if (reason is null)
        {
            return true;
        }
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"Glance cross-checks need {Interpreter} with glance importable (apt-get install python3-glance): {reason}");
        }
        output.WriteLine($"NOT RUN: Glance cross-checks need {Interpreter} with glance importable (apt-get install python3-glance): {reason}");
        return false;
    }

    /// <summary>Runs the ops in one Python process; one result per op.</summary>
    public static async Task<JsonArray> RunAsync(params JsonObject[] ops)
    {
        var request = new JsonObject
        {
            ["custom"] = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Archway.Image", "Schemas", "schema-image.json"))),
            ["ops"] = new JsonArray(ops),
        };
        var (exitCode, stdout, stderr) = await ExecuteAsync(["-I", Path.Combine(AppContext.BaseDirectory, "glance_oracle.py")], request.ToJsonString());
        Assert.True(exitCode == 0, $"glance_oracle.py exited with {exitCode}:\n{stderr}");
        return JsonNode.Parse(stdout)!["results"]!.AsArray();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Archway.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"no Archway.slnx above {AppContext.BaseDirectory}");
    }

    private static async Task<string?> ProbeAsync()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }
        var (exitCode, _, stderr) = await ExecuteAsync(["-I", "-c", "import glance.api.v2.images, glance.domain"], "");
        return exitCode == 0 ? null : stderr.Trim();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> ExecuteAsync(string[] arguments, string stdin)
    {
        var start = new ProcessStartInfo(Interpreter, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("glance_oracle.py did not finish within 120 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
