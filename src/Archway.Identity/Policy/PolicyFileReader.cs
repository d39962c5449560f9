using System.Text.Json;

namespace Archway.Identity.Policy;

/// <summary>
/// Reads an operator's policy file as oslo.policy's <c>parse_file_contents</c> does: JSON when the whole text is
/// JSON, otherwise YAML (a flat mapping of rule name to check string, see <see cref="FlatYamlReader"/>).
/// </summary>
/// <remarks>
/// Stricter than oslo in one way, on purpose: a value that is not a check string (YAML <c>true</c>, <c>1</c>,
/// or an empty value, which PyYAML reads as null and oslo then treats as "allow everyone") is an error.
/// Duplicate names are errors too, where Python silently keeps the last.
/// </remarks>
internal static class PolicyFileReader
{
    public static List<PolicyFileRule> Read(string text, List<string> errors)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            // Not JSON: YAML, like oslo's fallback to yaml.safe_load.
        }

        if (document is null)
        {
            return FlatYamlReader.Read(text, errors);
        }

        using (document)
        {
            return ReadJson(document.RootElement, errors);
        }
    }

    private static List<PolicyFileRule> ReadJson(JsonElement root, List<string> errors)
    {
        var rules = new List<PolicyFileRule>();
        switch (root.ValueKind)
        {
            // oslo reads "parsed or {}": any falsy document is an empty policy.
            case JsonValueKind.Null or JsonValueKind.False:
            case JsonValueKind.Array when root.GetArrayLength() == 0:
            case JsonValueKind.String when root.GetString()!.Length == 0:
            case JsonValueKind.Number when root.GetDouble() == 0:
                return rules;
            case JsonValueKind.Object:
                break;
            default:
                errors.Add($"the file must be a mapping of rule names to check strings, not a JSON {root.ValueKind.ToString().ToLowerInvariant()}");
                return rules;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add($"\"{property.Name}\" is defined more than once");
                continue;
            }

            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    rules.Add(PolicyFileRule.FromText(property.Name, value.GetString()!));
                    break;
                case JsonValueKind.Array:
                    if (TryReadAlternatives(value, out var alternatives, out var problem))
                    {
                        rules.Add(new PolicyFileRule(property.Name, null, alternatives, 0));
                    }
                    else
                    {
                        errors.Add($"\"{property.Name}\": {problem}");
                    }

                    break;
                default:
                    errors.Add($"\"{property.Name}\": the value must be a check string (or a list of lists of checks), not a JSON {value.ValueKind.ToString().ToLowerInvariant()}");
                    break;
            }
        }

        return rules;
    }

    /// <summary>
    /// The legacy form: each element a check (a one-check AND) or a list of checks; empty lists and nulls are
    /// skipped as oslo skips them.
    /// </summary>
    private static bool TryReadAlternatives(JsonElement value, out IReadOnlyList<IReadOnlyList<string>> alternatives, out string? problem)
    {
        var result = new List<IReadOnlyList<string>>();
        alternatives = result;
        problem = null;
        foreach (var element in value.EnumerateArray())
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    var single = element.GetString()!;
                    result.Add(single.Length == 0 ? [] : [single]);
                    break;
                case JsonValueKind.Null:
                    result.Add([]);
                    break;
                case JsonValueKind.Array:
                    var checks = new List<string>();
                    foreach (var check in element.EnumerateArray())
                    {
                        if (check.ValueKind != JsonValueKind.String)
                        {
                            problem = $"in the list-of-lists form every check must be a string, not a JSON {check.ValueKind.ToString().ToLowerInvariant()}";
                            return false;
                        }

                        checks.Add(check.GetString()!);
                    }

                    result.Add(checks);
                    break;
                default:
                    problem = $"in the list-of-lists form each element must be a check string or a list of them, not a JSON {element.ValueKind.ToString().ToLowerInvariant()}";
                    return false;
            }
        }

        return true;
    }
}
