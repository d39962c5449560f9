using System.Diagnostics;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// Runs the real `openstack` CLI (Debian's python3-openstackclient) as an operator would, in a clean environment:
/// nothing inherited but what a test passes (no stray OS_* variable, no clouds.yaml), Debian's PATH, a private HOME.
/// </summary>
public sealed class OpenStackCli : IDisposable
{
    public const string Executable = "/usr/bin/openstack";
    public const string Python = "/usr/bin/python3";

    /// <summary>Debian's python3-glanceclient, as the install guide runs it for `glance image-create`.</summary>
    public const string Glance = "/usr/bin/glance";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly TemporaryDirectory _home = new("home");
    private readonly Action<string>? _log;

    /// <param name="log">Told every command and its output (a test's ITestOutputHelper.WriteLine).</param>
    public OpenStackCli(Action<string>? log = null)
    {
        _log = log;
    }

    /// <summary>`openstack ARGS` with exactly <paramref name="environment"/> (plus PATH, HOME, LANG).</summary>
    public async Task<CommandResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = CreateStartInfo(Executable, environment);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Logged(await ProcessRunner.RunAsync(start, Timeout));
    }

    /// <summary>`glance ARGS` with exactly <paramref name="environment"/> (plus PATH, HOME, LANG).</summary>
    public async Task<CommandResult> RunGlanceAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = CreateStartInfo(Glance, environment);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Logged(await ProcessRunner.RunAsync(start, Timeout));
    }

    /// <summary>`python3 SCRIPT` (a script beside the tests) with exactly <paramref name="environment"/> (plus PATH, HOME, LANG).</summary>
    public async Task<CommandResult> RunPythonAsync(IReadOnlyDictionary<string, string> environment, string script)
    {
        var start = CreateStartInfo(Python, environment);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, script));
        return Logged(await ProcessRunner.RunAsync(start, Timeout));
    }

    /// <summary>
    /// `openstack ARGS` in a pseudo-terminal, typing <paramref name="answer"/> once it prompts "Password:", as a
    /// person at a terminal would. stdout and stderr arrive together in <see cref="CommandResult.StandardOutput"/>,
    /// with CRLF line ends turned into LF.
    /// </summary>
    public Task<CommandResult> RunWithPasswordPromptAsync(IReadOnlyDictionary<string, string> environment, string answer, params string[] arguments) =>
        RunWithPromptsAsync(environment, answer, 1, arguments);

    /// <summary>As <see cref="RunWithPasswordPromptAsync"/>, typing the answer at each of the first <paramref name="prompts"/> prompts.</summary>
    public async Task<CommandResult> RunWithPromptsAsync(IReadOnlyDictionary<string, string> environment, string answer, int prompts, params string[] arguments)
    {
        var start = CreateStartInfo(Python, environment);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Harness", "pty_answer.py"));
        start.ArgumentList.Add("--prompt");
        start.ArgumentList.Add("Password: ?$");
        start.ArgumentList.Add("--answers");
        start.ArgumentList.Add(prompts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--timeout");
        start.ArgumentList.Add(((int)Timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(Executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PTY_ANSWER"] = answer;
        var result = await ProcessRunner.RunAsync(start, Timeout + TimeSpan.FromSeconds(10));
        return Logged(result with { StandardOutput = result.StandardOutput.Replace("\r\n", "\n", StringComparison.Ordinal) });
    }

    public void Dispose() => _home.Dispose();

    private ProcessStartInfo CreateStartInfo(string fileName, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["HOME"] = _home.Path;
        start.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    private CommandResult Logged(CommandResult result)
    {
        _log?.Invoke(result.Describe());
        return result;
    }
}
