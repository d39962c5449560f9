using System.Text.Json;

namespace Archway.Identity.Http;

/// <summary>Values as Python's jsonschema prints them in Keystone's validation messages.</summary>
internal static class JsonSchemaText
{
    /// <summary>Python's repr of the value json.loads makes of <paramref name="element"/>.</summary>
    public static string Describe(JsonElement element) => PythonJson.Repr(element);
}
