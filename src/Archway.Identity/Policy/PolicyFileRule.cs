namespace Archway.Identity.Policy;

/// <summary>One override from an operator's policy file.</summary>
/// <param name="Name">The rule name.</param>
/// <param name="Text">The check string, for the usual form.</param>
/// <param name="Alternatives">The legacy JSON list-of-lists form (an OR of ANDs), when <paramref name="Text"/> is null.</param>
/// <param name="Line">1-based line of the entry, for messages; 0 when unknown.</param>
internal sealed record PolicyFileRule(string Name, string? Text, IReadOnlyList<IReadOnlyList<string>>? Alternatives, int Line)
{
    public static PolicyFileRule FromText(string name, string text, int line = 0) => new(name, text, null, line);
}
