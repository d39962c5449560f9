using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Archway.Identity.Http;

/// <summary>
/// Keystone's list filtering (driver hints): exact filters on the attributes a list supports, the inexact forms
/// <c>name__contains</c>, <c>__startswith</c>, <c>__endswith</c> and their case-insensitive <c>__i*</c> variants,
/// then <c>list_limit</c> truncation with <c>"truncated": true</c>.
/// </summary>
internal sealed class ListQuery<T>
{
    private readonly List<(Func<T, string?> Field, string Comparator, bool CaseSensitive, string Value)> _filters = [];

    private ListQuery()
    {
    }

    /// <summary>Reads the filters from the query string; unsupported keys are ignored, as Keystone does.</summary>
    public static ListQuery<T> From(IQueryCollection query, IReadOnlyDictionary<string, Func<T, string?>> fields)
    {
        var result = new ListQuery<T>();
        foreach (var (key, values) in query)
        {
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }
                if (fields.TryGetValue(key, out var field))
                {
                    result._filters.Add((field, "equals", true, value));
                    continue;
                }
                var separator = key.IndexOf("__", StringComparison.Ordinal);
                if (separator <= 0 || !fields.TryGetValue(key[..separator], out field))
                {
                    continue;
                }
                var comparator = key[(separator + 2)..];
                var caseSensitive = true;
                if (comparator.StartsWith('i'))
                {
                    caseSensitive = false;
                    comparator = comparator[1..];
                }
                if (comparator is "contains" or "startswith" or "endswith" or "equals")
                {
                    result._filters.Add((field, comparator, caseSensitive, value));
                }
            }
        }
        return result;
    }

    public bool Matches(T item)
    {
        foreach (var (field, comparator, caseSensitive, value) in _filters)
        {
            var actual = field(item);
            if (actual is null)
            {
                return false;
            }
            var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            var ok = comparator switch
            {
                "contains" => actual.Contains(value, comparison),
                "startswith" => actual.StartsWith(value, comparison),
                "endswith" => actual.EndsWith(value, comparison),
                _ => string.Equals(actual, value, comparison) || IsSameBoolean(actual, value),
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Applies the filters and the list limit; <c>Truncated</c> says whether items were cut.</summary>
    public (List<T> Items, bool Truncated) Apply(IEnumerable<T> items, int? limit)
    {
        var result = new List<T>();
        foreach (var item in items)
        {
            if (Matches(item))
            {
                result.Add(item);
            }
        }
        if (limit is { } max && result.Count > max)
        {
            result.RemoveRange(max, result.Count - max);
            return (result, true);
        }
        return (result, false);
    }

    /// <summary>Boolean attributes filter as Keystone reads them: "0", "false", "no" (any case) are false, the rest true.</summary>
    private static bool IsSameBoolean(string actual, string requested) =>
        actual is "true" or "false" && actual == (requested.ToLowerInvariant() is "0" or "false" or "no" ? "false" : "true");

    public static string Bool(bool value) => value ? "true" : "false";
}

/// <summary>Writes a Keystone collection: the members, then links (self, previous, next) and truncated when cut.</summary>
internal static class CollectionJson
{
    public static JsonResult Result<T>(HttpContext context, string collection, IReadOnlyList<T> items, bool truncated, Action<Utf8JsonWriter, T> writeItem)
    {
        var request = context.Request;
        var self = IdentityUrls.BaseUrl(context) + request.Path + request.QueryString;
        return new JsonResult(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray(collection);
            foreach (var item in items)
            {
                writeItem(writer, item);
            }
            writer.WriteEndArray();
            writer.WriteStartObject("links");
            writer.WriteString("self", self);
            writer.WriteNull("previous");
            writer.WriteNull("next");
            writer.WriteEndObject();
            if (truncated)
            {
                writer.WriteBoolean("truncated", true);
            }
            writer.WriteEndObject();
        });
    }

    public static JsonResult Member<T>(string member, T item, Action<Utf8JsonWriter, T> writeItem, int status = StatusCodes.Status200OK) =>
        new(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName(member);
            writeItem(writer, item);
            writer.WriteEndObject();
        }, status);
}
