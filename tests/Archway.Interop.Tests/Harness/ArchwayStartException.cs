namespace Archway.Interop.Tests.Harness;

/// <summary>`archway` exited or hung before it printed its ready line.</summary>
public sealed class ArchwayStartException(string message, string log) : Exception(message)
{
    /// <summary>The process's output, for telling a busy port from a real failure.</summary>
    public string Log { get; } = log;
}
