using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archway.Tests.Policy;

/// <summary>One question for Keystone: may a caller with these credentials perform this action on this policy dict?</summary>
/// <param name="Action">The policy rule name, e.g. <c>identity:get_user</c>; null for an API Keystone does not enforce.</param>
/// <param name="Policy">The dict keystone's enforce_call builds before flattening: view args, <c>target</c>, <c>filter_attr</c>.</param>
/// <param name="Creds">What keystone's RequestContext.to_policy_values() gives for the caller's token.</param>
public sealed record OracleCheck(string? Action, JsonObject Policy, JsonObject Creds);

/// <summary>
/// Keystone's own policy decisions, from a long-lived Python process (keystone_policy_oracle.py) that enforces
/// Keystone 22's registered defaults with oslo.policy. The tests compare Archway's answers with these, so an
/// expectation never comes from Archway's own engine.
/// </summary>
public sealed class KeystonePolicyOracle : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly SemaphoreSlim _lock = new(1, 1);

    private KeystonePolicyOracle(Process process) => _process = process;

    public static async Task<KeystonePolicyOracle> StartAsync(bool enforceScope, bool enforceNewDefaults)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Policy", "keystone_policy_oracle.py");
        Assert.True(File.Exists(Python), $"{Python} is missing: test.sh installs python3-keystone");
        var start = new ProcessStartInfo(Python, ["-I", "-W", "ignore", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        var process = Process.Start(start)!;
        // Drained so that warnings can never fill the pipe and stall the oracle.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { enforce_scope = enforceScope, enforce_new_defaults = enforceNewDefaults }));
        await process.StandardInput.FlushAsync();
        var ready = await ReadLineAsync(process);
        Assert.True(ready == "ready", $"the Keystone policy oracle did not start (python3-keystone installed?): {ready}");
        return new KeystonePolicyOracle(process);
    }

    public async Task<bool[]> AskAsync(IReadOnlyList<OracleCheck> checks)
    {
        var request = new JsonArray();
        foreach (var check in checks)
        {
            request.Add(new JsonObject
            {
                ["action"] = check.Action,
                ["policy"] = check.Policy.DeepClone(),
                ["creds"] = check.Creds.DeepClone(),
            });
        }
        await _lock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(request.ToJsonString());
            await _process.StandardInput.FlushAsync();
            var line = await ReadLineAsync(_process);
            var answers = JsonSerializer.Deserialize<bool[]>(line ?? "null");
            Assert.True(answers is not null && answers.Length == checks.Count, $"the Keystone policy oracle answered {line}");
            return answers;
        }
        finally
        {
            _lock.Release();
        }
    }

    private static async Task<string?> ReadLineAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await process.StandardOutput.ReadLineAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _lock.Dispose();
    }
}
