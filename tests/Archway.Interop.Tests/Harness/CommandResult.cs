using System.Text;

namespace Archway.Interop.Tests.Harness;

/// <summary>What a finished (or timed out) child process left behind.</summary>
/// <param name="Command">The command line as run, for failure messages.</param>
/// <param name="ExitCode">The exit status; -1 when <paramref name="TimedOut"/>.</param>
/// <param name="StandardOutput">All of stdout.</param>
/// <param name="StandardError">All of stderr.</param>
/// <param name="TimedOut">The process outlived its time and was killed.</param>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>Both streams, for assertions on messages a CLI may print on either.</summary>
    public string AllOutput => StandardOutput + StandardError;

    /// <summary>A readable account of the run, to put in assertion messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("$ ").AppendLine(Command);
        text.AppendLine(TimedOut ? "(timed out and killed)" : $"(exit {ExitCode})");
        text.AppendLine("--- stdout ---").AppendLine(StandardOutput.TrimEnd());
        text.AppendLine("--- stderr ---").AppendLine(StandardError.TrimEnd());
        return text.ToString();
    }

    /// <summary>Fails the test, with the whole run in the message, unless the command exited 0.</summary>
    public CommandResult AssertSucceeded(string? context = null)
    {
        Assert.True(Succeeded, $"{context}{(context is null ? "" : "\n")}expected exit 0:\n{Describe()}");
        return this;
    }
}
