using System.Collections;

namespace Archway.Identity.Policy;

/// <summary>
/// Policy targets are Keystone's flattened policy dict: <c>{"target": {"user": {"id": ...}}}</c> becomes
/// <c>{"target.user.id": ...}</c>, which is how <c>%(target.user.id)s</c> finds it.
/// </summary>
internal static class PolicyTarget
{
    public static IReadOnlyDictionary<string, object?> Empty { get; } = new Dictionary<string, object?>();

    /// <summary>
    /// keystone.common.utils.flatten_dict: nested string-keyed dictionaries become dotted keys (an empty nested
    /// dictionary leaves no key); every other value, lists included, is kept as it is.
    /// </summary>
    public static Dictionary<string, object?> Flatten(IEnumerable<KeyValuePair<string, object?>> nested)
    {
        var flat = new Dictionary<string, object?>(StringComparer.Ordinal);
        Add(flat, string.Empty, nested);
        return flat;
    }

    private static void Add(Dictionary<string, object?> flat, string prefix, IEnumerable<KeyValuePair<string, object?>> items)
    {
        foreach (var (key, value) in items)
        {
            var name = prefix.Length == 0 ? key : $"{prefix}.{key}";
            switch (value)
            {
                case IEnumerable<KeyValuePair<string, object?>> mapping:
                    Add(flat, name, mapping);
                    break;
                case IDictionary dictionary:
                    Add(flat, name, dictionary.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(e.Key.ToString()!, e.Value)));
                    break;
                default:
                    flat[name] = value;
                    break;
            }
        }
    }
}
