using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Passwords;

/// <summary>
/// Runs keystone_passwords.py (next to this file) under Debian's /usr/bin/python3, which has Keystone, passlib and
/// bcrypt: Keystone itself is the reference. Without it, tests return early, except under CI=true, where they fail.
/// </summary>
internal static class KeystonePython
{
    private const string PythonPath = "/usr/bin/python3";
    private const string ScriptName = "keystone_passwords.py";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<Task<string?>> UnavailableReason = new(ProbeAsync);

    /// <summary>True when Keystone's Python answers; otherwise says why and returns false, or fails under CI.</summary>
    public static async Task<bool> EnsureAvailableAsync(ITestOutputHelper output)
    {
        string? reason = await UnavailableReason.Value;
        if (reason is null)
        {
            return true;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"Keystone's Python is required on CI: {reason}");
        }

        output.WriteLine($"Not run: {reason}");
        return false;
    }

    public static JsonObject KeystoneHash(string algorithm, int? rounds, string password) =>
        new() { ["op"] = "keystone_hash", ["algorithm"] = algorithm, ["rounds"] = rounds, ["password"] = password };

    public static JsonObject KeystoneCheck(string algorithm, string password, string hash) =>
        new() { ["op"] = "keystone_check", ["algorithm"] = algorithm, ["password"] = password, ["hash"] = hash };

    public static JsonObject PasslibHash(string scheme, int rounds, string password) =>
        new()
        {
            ["op"] = "passlib_hash",
            ["scheme"] = scheme,
            ["settings"] = new JsonObject { ["rounds"] = rounds },
            ["password"] = password,
        };

    public static JsonObject PasslibVerify(string scheme, string password, string hash) =>
        new() { ["op"] = "passlib_verify", ["scheme"] = scheme, ["password"] = password, ["hash"] = hash };

    /// <summary>Runs the requests in one Python process; one result per request, in order.</summary>
    public static async Task<IReadOnlyList<PythonResult>> RunAsync(IReadOnlyList<JsonObject> requests)
    {
        var payload = new JsonObject { ["requests"] = new JsonArray([.. requests]) };
        (int exitCode, string stdout, string stderr) = await RunProcessAsync(payload.ToJsonString());
        Assert.True(exitCode == 0, $"{ScriptName} exited with {exitCode}: {stderr}");

        JsonArray results = JsonNode.Parse(stdout)!["results"]!.AsArray();
        Assert.Equal(requests.Count, results.Count);
        return [.. results.Select(r => new PythonResult((bool)r!["ok"]!, r["value"], (string?)r["error"]))];
    }

    private static async Task<string?> ProbeAsync()
    {
        if (!File.Exists(PythonPath))
        {
            return $"{PythonPath} does not exist";
        }

        if (FindScript() is null)
        {
            return $"{ScriptName} was not found near {AppContext.BaseDirectory}";
        }

        try
        {
            (int exitCode, string stdout, string stderr) =
                await RunProcessAsync("""{"requests": [{"op": "versions"}]}""");
            return exitCode == 0 && stdout.Contains("\"keystone\"", StringComparison.Ordinal)
                ? null
                : $"{PythonPath} cannot run Keystone's password hashing (exit {exitCode}): {stderr}";
        }
        catch (Win32Exception error)
        {
            return $"{PythonPath} could not start: {error.Message}";
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(string input)
    {
        string script = FindScript() ?? throw new FileNotFoundException(ScriptName);
        var start = new ProcessStartInfo(PythonPath)
        {
            ArgumentList = { script },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        using var timeout = new CancellationTokenSource(Timeout);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The script sits next to this file. Tests run from bin/, so look there first (in case the project copies it),
    /// then at this source file's folder, then in the folders above bin/.
    /// </summary>
    private static string? FindScript([CallerFilePath] string sourceFile = "")
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "Passwords", ScriptName);
        if (File.Exists(copied))
        {
            return copied;
        }

        string besideSource = Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", ScriptName);
        if (File.Exists(besideSource))
        {
            return besideSource;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "Passwords", ScriptName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>One answer from keystone_passwords.py: a value, or the exception Keystone raised.</summary>
internal sealed record PythonResult(bool Ok, JsonNode? Value, string? Error)
{
    public string Hash => Ok ? (string)Value! : throw new InvalidOperationException($"Python raised {Error}");

    /// <summary>check_password's answer, with an exception counted as "not verified", as Archway reports it.</summary>
    public bool Verified => Ok && (bool)Value!;
}
