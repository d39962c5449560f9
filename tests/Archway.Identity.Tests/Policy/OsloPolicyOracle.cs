using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Policy;

/// <summary>
/// Runs oslo_policy_oracle.py (next to this file) under Debian's /usr/bin/python3, where the real oslo.policy and
/// Keystone are importable (ARCHWAY_KEYSTONE_PYTHON names another interpreter). Without them the tests return
/// early with a message, except under CI=true, where they fail.
/// </summary>
internal static class OsloPolicyOracle
{
    private const string ScriptName = "oslo_policy_oracle.py";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string?> UnavailableReason = new(Probe);

    public static string Interpreter { get; } =
        Environment.GetEnvironmentVariable("ARCHWAY_KEYSTONE_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";

    /// <summary>True when oslo.policy and Keystone answer; otherwise says why and returns false, or fails under CI.</summary>
    public static bool EnsureAvailable(ITestOutputHelper output)
    {
        var reason = UnavailableReason.Value;
        if (reason is null)
        {
            return true;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"oslo.policy and Keystone under {Interpreter} are required on CI: {reason}");
        }

        output.WriteLine($"Not run: oslo.policy and Keystone are not importable by {Interpreter}: {reason}");
        return false;
    }

    /// <summary>Sends one request to the oracle and returns its answer.</summary>
    public static JsonObject Ask(JsonObject request) =>
        JsonNode.Parse(RunScript(FindFile(ScriptName), request.ToJsonString()))!.AsObject();

    /// <summary>Runs a script from this folder with no input and returns its standard output.</summary>
    public static string RunScript(string script, string stdin = "")
    {
        var (exitCode, stdout, stderr) = Execute(["-I", script], stdin);
        if (exitCode != 0)
        {
            Assert.Fail($"{Path.GetFileName(script)} exited with {exitCode}:\n{stderr}");
        }

        return stdout;
    }

    private static string? Probe()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }

        try
        {
            var (exitCode, _, stderr) = Execute(["-I", "-c", "import oslo_policy.policy, keystone.common.policies, yaml"], string.Empty);
            return exitCode == 0 ? null : stderr.Trim();
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            return e.Message;
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) Execute(string[] arguments, string stdin)
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
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Interpreter} {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>A file of this folder: beside the test binaries if copied there, else beside this source file.</summary>
    public static string FindFile(string name, [CallerFilePath] string sourceFile = "")
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "Policy", name),
            Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", name),
        ];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Archway.Identity.Tests", "Policy", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{name} not found; looked in {string.Join(", ", candidates)} and above {AppContext.BaseDirectory}.");
        return null!;
    }

    /// <summary>The repository root, found from this source file (for the generated defaults table).</summary>
    public static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
}
