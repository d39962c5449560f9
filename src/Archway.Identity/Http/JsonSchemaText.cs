using System.Text.Json;

namespace Archway.Identity.Http;

/// <summary>Values as Python's jsonschema prints them in Keystone's validation messages.</summary>
internal static class JsonSchemaText
{
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"'{element.GetString()}'",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.Array => "[...]",
        JsonValueKind.Object => "{...}",
        _ => element.GetRawText(),
    };
}
