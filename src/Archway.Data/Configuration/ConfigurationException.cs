namespace Archway.Data.Configuration;

/// <summary>Every problem found in the configuration, reported at once so an operator fixes them in one pass.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration:\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
