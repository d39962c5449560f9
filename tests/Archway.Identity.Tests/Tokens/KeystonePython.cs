using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Tokens;

/// <summary>
/// Runs keystone_fernet.py under Debian's /usr/bin/python3, where real Keystone is importable
/// (ARCHWAY_KEYSTONE_PYTHON names another interpreter). Missing Keystone fails the test under CI=true
/// and skips it (with a message) elsewhere.
/// </summary>
internal static class KeystonePython
{
    public static readonly string Interpreter =
        Environment.GetEnvironmentVariable("ARCHWAY_KEYSTONE_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
    private const string ScriptName = "keystone_fernet.py";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly Lazy<string?> UnavailableReason = new(Probe);

    /// <summary>True when Keystone can be driven; otherwise fails (CI=true) or returns false after saying why.</summary>
    public static bool EnsureAvailable(ITestOutputHelper output)
    {
        var reason = UnavailableReason.Value;
        if (reason is null)
        {
            return true;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"Keystone interop tests need {Interpreter} with keystone importable (CI=true): {reason}");
        }

        output.WriteLine($"SKIPPED, not under CI: Keystone interop needs {Interpreter} with keystone importable: {reason}");
        return false;
    }

    /// <summary>Runs the ops in one Python process against <paramref name="keyRepository"/>; one result per op.</summary>
    public static JsonArray Run(string keyRepository, JsonArray ops, int maxActiveKeys = 3, string? defaultDomainId = null, IReadOnlyList<string>? authMethods = null)
    {
        var request = new JsonObject
        {
            ["key_repository"] = keyRepository,
            ["max_active_keys"] = maxActiveKeys,
            ["default_domain_id"] = defaultDomainId,
            ["auth_methods"] = authMethods is null ? null : new JsonArray(authMethods.Select(m => (JsonNode?)m).ToArray()),
            ["ops"] = ops,
        };
        var (exitCode, stdout, stderr) = Execute(["-I", FindScript()], request.ToJsonString());
        if (exitCode != 0)
        {
            Assert.Fail($"{ScriptName} exited with {exitCode}:\n{stderr}");
        }

        return JsonNode.Parse(stdout)!["results"]!.AsArray();
    }

    private static string? Probe()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist";
        }

        try
        {
            var (exitCode, _, stderr) = Execute(["-I", "-c", "import keystone.token.token_formatters, keystone.common.fernet_utils"], string.Empty);
            return exitCode == 0 ? null : stderr.Trim();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
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

    /// <summary>Next to the test binaries if the project copies it there, else beside this source file.</summary>
    private static string FindScript([CallerFilePath] string sourceFile = "")
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "Tokens", ScriptName),
            Path.Combine(AppContext.BaseDirectory, ScriptName),
            Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", ScriptName),
        ];
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // Last resort: walk up from the binaries to the repository.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Archway.Identity.Tests", "Tokens", ScriptName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{ScriptName} not found; looked in {string.Join(", ", candidates)} and above {AppContext.BaseDirectory}.");
        return null!;
    }

    public static JsonObject Op(string op) => new() { ["op"] = op };

    public static string[] Strings(JsonNode? array) =>
        array!.AsArray().Select(node => node!.GetValue<string>()).ToArray();

    public static string? String(JsonNode? node) =>
        node is null || node.GetValueKind() == JsonValueKind.Null ? null : node.GetValue<string>();
}
