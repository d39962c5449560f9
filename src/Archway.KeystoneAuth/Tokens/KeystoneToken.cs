namespace Archway.KeystoneAuth;

/// <summary>
/// What Identity said about a token (the <c>token</c> object of GET /v3/auth/tokens), as the application sees it.
/// Exactly one of project, domain and system scope is set for a scoped token; none for an unscoped one.
/// </summary>
public sealed record KeystoneToken
{
    public required string UserId { get; init; }
    public required string UserName { get; init; }
    public required string UserDomainId { get; init; }
    public required string UserDomainName { get; init; }

    public string? ProjectId { get; init; }
    public string? ProjectName { get; init; }
    public string? ProjectDomainId { get; init; }
    public string? ProjectDomainName { get; init; }

    /// <summary>Set for a domain-scoped token.</summary>
    public string? DomainId { get; init; }

    public string? DomainName { get; init; }

    /// <summary>"all" for a token scoped to the whole deployment; null otherwise.</summary>
    public string? SystemScope { get; init; }

    public IReadOnlyList<KeystoneRole> Roles { get; init; } = [];

    /// <summary>Whether the token is scoped to the admin project; true when Identity does not say (keystonemiddleware's default).</summary>
    public bool IsAdminProject { get; init; } = true;

    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? IssuedAt { get; init; }
    public IReadOnlyList<string> Methods { get; init; } = [];
    public IReadOnlyList<string> AuditIds { get; init; } = [];

    /// <summary>The v3 service catalog, when it was asked for (include_service_catalog) and the token is scoped.</summary>
    public IReadOnlyList<KeystoneCatalogService>? Catalog { get; init; }

    public bool HasRole(string name)
    {
        foreach (var role in Roles)
        {
            if (role.Name == name)
            {
                return true;
            }
        }
        return false;
    }
}

public sealed record KeystoneRole(string Id, string Name);

public sealed record KeystoneCatalogService(string Id, string Type, string? Name, IReadOnlyList<KeystoneEndpoint> Endpoints);

/// <summary>One endpoint of a catalog service; <see cref="Interface"/> is public, internal or admin.</summary>
public sealed record KeystoneEndpoint(string Id, string Interface, string? Region, string Url);
