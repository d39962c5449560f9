using System.Text.Json.Nodes;

namespace Archway.Identity.Tests.Policy;

/// <summary>
/// Flattened policy targets as Keystone's handlers build them, relative to a caller: the caller's own things,
/// a colleague's in the same domain, another domain's, keys present but None, and nothing at all.
/// </summary>
internal static class TargetScenario
{
    public static IReadOnlyList<string> Names { get; } = ["own", "same_domain", "foreign", "none_values", "empty"];

    public static Dictionary<string, object?> For(string scenario, Persona persona) => scenario switch
    {
        "own" => Build(persona.UserId, persona.UserDomainId, persona.ProjectId ?? "p1", persona.HomeDomain, roleDomain: null, trustee: "u-other"),
        "same_domain" => Build("u-colleague", persona.HomeDomain, "p-colleague", persona.HomeDomain, roleDomain: persona.HomeDomain, trustee: persona.UserId),
        "foreign" => Build("u-stranger", Persona.OtherDomain, "p-stranger", Persona.OtherDomain, roleDomain: Persona.OtherDomain, trustee: "u-other"),
        "none_values" => new()
        {
            ["user_id"] = null,
            ["target.user.id"] = null,
            ["target.user.domain_id"] = null,
            ["target.project.id"] = null,
            ["target.project.domain_id"] = null,
            ["target.domain.id"] = null,
            ["target.domain_id"] = null,
            ["target.group.domain_id"] = null,
            ["target.role.domain_id"] = null,
            ["target.credential.user_id"] = null,
            ["target.token.user_id"] = null,
            ["target.trust.trustor_user_id"] = null,
            ["target.limit.project_id"] = null,
        },
        "empty" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
    };

    private static Dictionary<string, object?> Build(string user, string userDomain, string project, string domain, string? roleDomain, string trustee) => new()
    {
        ["user_id"] = user,
        ["target.user.id"] = user,
        ["target.user.domain_id"] = userDomain,
        ["target.user.enabled"] = true,
        ["target.project.id"] = project,
        ["target.project.domain_id"] = domain,
        ["target.domain.id"] = domain,
        ["target.domain_id"] = domain,
        ["target.group.domain_id"] = domain,
        ["target.role.domain_id"] = roleDomain,
        ["target.credential.user_id"] = user,
        ["target.token.user_id"] = user,
        ["target.token.user.domain.id"] = userDomain,
        ["target.trust.trustor_user_id"] = user,
        ["target.trust.trustee_user_id"] = trustee,
        ["target.limit.domain.id"] = domain,
        ["target.limit.project.domain_id"] = domain,
        ["target.limit.project_id"] = project,
    };

    /// <summary>The same target as JSON for the oracle (strings, bools, null, numbers and lists only).</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, object?> target)
    {
        var json = new JsonObject();
        foreach (var (key, value) in target)
        {
            json[key] = ToNode(value);
        }

        return json;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        double d => d,
        IEnumerable<object?> items => new JsonArray([.. items.Select(ToNode)]),
        _ => throw new ArgumentException($"unsupported target value {value.GetType()}"),
    };
}
