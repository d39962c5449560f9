using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Resources;

/// <summary>Project tags as Keystone validates and filters them: up to 80 unique strings of 1–255 characters without '/' or ','.</summary>
internal static class ProjectTags
{
    public const int MaxTags = 80;

    public static List<string> Parse(string? json)
    {
        var tags = new List<string>();
        if (string.IsNullOrEmpty(json))
        {
            return tags;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var tag in document.RootElement.EnumerateArray())
        {
            tags.Add(tag.GetString()!);
        }
        return tags;
    }

    public static string? Serialize(List<string> tags) => tags.Count == 0 ? null : JsonSerializer.Serialize(tags, TagsJson.Default.ListString);

    /// <summary>Reads a tags array from a body (path "tags"), null when absent or invalid (the body then holds the error).</summary>
    public static List<string>? Read(EntityBody body)
    {
        if (body.Raw("tags") is not { } element)
        {
            return null;
        }
        return Validate(element, "tags", out var error) ?? Fail(body, error!);
    }

    private static List<string>? Fail(EntityBody body, IdentityError error)
    {
        body.Fail(error);
        return null;
    }

    public static List<string>? Validate(JsonElement element, string path, out IdentityError? error)
    {
        error = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            error = IdentityError.Schema(path, $"{JsonSchemaText.Describe(element)} is not of type 'array'");
            return null;
        }
        var tags = new List<string>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = IdentityError.Schema($"{path}/{index}", $"{JsonSchemaText.Describe(item)} is not of type 'string'");
                return null;
            }
            if (CheckTag(item.GetString()!, $"{path}/{index}") is { } bad)
            {
                error = bad;
                return null;
            }
            if (tags.Contains(item.GetString()!))
            {
                error = IdentityError.Schema(path, "[...] has non-unique elements");
                return null;
            }
            tags.Add(item.GetString()!);
            index++;
        }
        if (tags.Count > MaxTags)
        {
            error = IdentityError.Schema(path, "[...] is too long");
            return null;
        }
        return tags;
    }

    public static IdentityError? CheckTag(string tag, string path) =>
        tag.Length == 0 ? IdentityError.Schema(path, $"'{tag}' is too short")
        : tag.Length > 255 ? IdentityError.Schema(path, $"'{tag}' is too long")
        : tag.AsSpan().IndexOfAny(',', '/') >= 0 ? IdentityError.Schema(path, $"'{tag}' does not match '^[^,/]*$'")
        : null;

    /// <summary>
    /// Keystone's tags, tags-any, not-tags and not-tags-any list filters (each a comma-separated list), read from the
    /// query once per request; null when the query has none, so that a plain list parses no project's tags.
    /// </summary>
    public static Func<string?, bool>? Filter(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        static string[] Values(Microsoft.AspNetCore.Http.IQueryCollection query, string key) =>
            query.TryGetValue(key, out var value) ? value.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        var all = Values(query, "tags");
        var any = Values(query, "tags-any");
        var notAll = Values(query, "not-tags");
        var notAny = Values(query, "not-tags-any");
        if (all.Length == 0 && any.Length == 0 && notAll.Length == 0 && notAny.Length == 0)
        {
            return null;
        }
        return json =>
        {
            var tags = Parse(json);
            return (all.Length == 0 || Array.TrueForAll(all, tags.Contains))
                && (any.Length == 0 || Array.Exists(any, tags.Contains))
                && (notAll.Length == 0 || !Array.TrueForAll(notAll, tags.Contains))
                && (notAny.Length == 0 || !Array.Exists(notAny, tags.Contains));
        };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class TagsJson : System.Text.Json.Serialization.JsonSerializerContext;
