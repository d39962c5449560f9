using System.Text.Json.Serialization;

namespace Archway.KeystoneAuth.Tokens;

// The token document of POST/GET /v3/auth/tokens as Keystone writes it (render_token.py); unknown members are skipped.

internal sealed class TokenDocumentWire
{
    public TokenWire? Token { get; set; }
}

internal sealed class TokenWire
{
    public List<string>? Methods { get; set; }
    public UserWire? User { get; set; }
    public List<string>? AuditIds { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public ScopeWire? Project { get; set; }
    public NamedWire? Domain { get; set; }
    public SystemWire? System { get; set; }
    public List<NamedWire>? Roles { get; set; }
    public List<ServiceWire>? Catalog { get; set; }
    public bool? IsAdminProject { get; set; }
}

internal sealed class UserWire
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public NamedWire? Domain { get; set; }
}

internal sealed class ScopeWire
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public NamedWire? Domain { get; set; }
}

internal sealed class NamedWire
{
    public string? Id { get; set; }
    public string? Name { get; set; }
}

internal sealed class SystemWire
{
    public bool All { get; set; }
}

internal sealed class ServiceWire
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public string? Name { get; set; }
    public List<EndpointWire>? Endpoints { get; set; }
}

internal sealed class EndpointWire
{
    public string? Id { get; set; }
    public string? Interface { get; set; }
    public string? Region { get; set; }
    public string? RegionId { get; set; }
    public string? Url { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenDocumentWire))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
