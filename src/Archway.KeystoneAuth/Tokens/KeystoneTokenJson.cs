using System.Buffers;
using System.Text.Json;
using Archway.KeystoneAuth.Tokens;

namespace Archway.KeystoneAuth;

/// <summary>Reads and writes <see cref="KeystoneToken"/> in the JSON shape Keystone answers token requests with.</summary>
public static class KeystoneTokenJson
{
    /// <summary>Reads a <c>{"token": {...}}</c> document; null when it is not JSON or lacks the user or expires_at.</summary>
    public static KeystoneToken? Parse(ReadOnlySpan<byte> utf8Json)
    {
        TokenDocumentWire? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8Json, TokenJsonContext.Default.TokenDocumentWire);
        }
        catch (JsonException)
        {
            return null;
        }
        return document?.Token is { } token ? FromWire(token) : null;
    }

    /// <summary>Writes the token back in Keystone's shape; what <see cref="Parse"/> reads from it is equal in value.</summary>
    public static byte[] Serialize(KeystoneToken token) =>
        JsonSerializer.SerializeToUtf8Bytes(new TokenDocumentWire { Token = ToWire(token) }, TokenJsonContext.Default.TokenDocumentWire);

    private static KeystoneToken? FromWire(TokenWire wire)
    {
        if (wire.User is not { Id: { } userId } user || wire.ExpiresAt is not { } expiresAt)
        {
            return null;
        }
        var roles = new List<KeystoneRole>(wire.Roles?.Count ?? 0);
        foreach (var role in wire.Roles ?? [])
        {
            if (role.Name is not null)
            {
                roles.Add(new KeystoneRole(role.Id ?? "", role.Name));
            }
        }
        List<KeystoneCatalogService>? catalog = null;
        if (wire.Catalog is not null)
        {
            catalog = new List<KeystoneCatalogService>(wire.Catalog.Count);
            foreach (var service in wire.Catalog)
            {
                var endpoints = new List<KeystoneEndpoint>(service.Endpoints?.Count ?? 0);
                foreach (var endpoint in service.Endpoints ?? [])
                {
                    if (endpoint.Url is not null && endpoint.Interface is not null)
                    {
                        endpoints.Add(new KeystoneEndpoint(endpoint.Id ?? "", endpoint.Interface, endpoint.Region ?? endpoint.RegionId, endpoint.Url));
                    }
                }
                catalog.Add(new KeystoneCatalogService(service.Id ?? "", service.Type ?? "", service.Name, endpoints));
            }
        }
        return new KeystoneToken
        {
            UserId = userId,
            UserName = user.Name ?? "",
            UserDomainId = user.Domain?.Id ?? "",
            UserDomainName = user.Domain?.Name ?? "",
            ProjectId = wire.Project?.Id,
            ProjectName = wire.Project?.Name,
            ProjectDomainId = wire.Project?.Domain?.Id,
            ProjectDomainName = wire.Project?.Domain?.Name,
            DomainId = wire.Domain?.Id,
            DomainName = wire.Domain?.Name,
            SystemScope = wire.System is { All: true } ? "all" : null,
            Roles = roles,
            IsAdminProject = wire.IsAdminProject ?? true,
            ExpiresAt = expiresAt,
            IssuedAt = wire.IssuedAt,
            Methods = wire.Methods ?? [],
            AuditIds = wire.AuditIds ?? [],
            Catalog = catalog,
        };
    }

    private static TokenWire ToWire(KeystoneToken token)
    {
        var roles = new List<NamedWire>(token.Roles.Count);
        foreach (var role in token.Roles)
        {
            roles.Add(new NamedWire { Id = role.Id, Name = role.Name });
        }
        List<ServiceWire>? catalog = null;
        if (token.Catalog is not null)
        {
            catalog = new List<ServiceWire>(token.Catalog.Count);
            foreach (var service in token.Catalog)
            {
                var endpoints = new List<EndpointWire>(service.Endpoints.Count);
                foreach (var endpoint in service.Endpoints)
                {
                    endpoints.Add(new EndpointWire
                    {
                        Id = endpoint.Id,
                        Interface = endpoint.Interface,
                        Region = endpoint.Region,
                        RegionId = endpoint.Region,
                        Url = endpoint.Url,
                    });
                }
                catalog.Add(new ServiceWire { Id = service.Id, Type = service.Type, Name = service.Name, Endpoints = endpoints });
            }
        }
        return new TokenWire
        {
            Methods = [.. token.Methods],
            User = new UserWire
            {
                Id = token.UserId,
                Name = token.UserName,
                Domain = new NamedWire { Id = token.UserDomainId, Name = token.UserDomainName },
            },
            AuditIds = [.. token.AuditIds],
            ExpiresAt = token.ExpiresAt,
            IssuedAt = token.IssuedAt,
            Project = token.ProjectId is null ? null : new ScopeWire
            {
                Id = token.ProjectId,
                Name = token.ProjectName,
                Domain = new NamedWire { Id = token.ProjectDomainId, Name = token.ProjectDomainName },
            },
            Domain = token.DomainId is null ? null : new NamedWire { Id = token.DomainId, Name = token.DomainName },
            System = token.SystemScope == "all" ? new SystemWire { All = true } : null,
            Roles = roles,
            Catalog = catalog,
            IsAdminProject = token.IsAdminProject ? null : false,
        };
    }

    /// <summary>
    /// The catalog as keystonemiddleware puts it in <c>X-Service-Catalog</c>: always the v2 shape, endpoints of a
    /// service grouped by region with one <c>publicURL</c>/<c>internalURL</c>/<c>adminURL</c> member per interface.
    /// </summary>
    public static string ToV2CatalogHeader(IReadOnlyList<KeystoneCatalogService> catalog)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var service in catalog)
            {
                writer.WriteStartObject();
                writer.WriteString("type", service.Type);
                if (service.Name is not null)
                {
                    writer.WriteString("name", service.Name);
                }
                writer.WriteStartArray("endpoints");
                var regions = new List<string?>();
                foreach (var endpoint in service.Endpoints)
                {
                    if (!regions.Contains(endpoint.Region))
                    {
                        regions.Add(endpoint.Region);
                    }
                }
                foreach (var region in regions)
                {
                    writer.WriteStartObject();
                    if (region is not null)
                    {
                        writer.WriteString("region", region);
                    }
                    foreach (var endpoint in service.Endpoints)
                    {
                        if (endpoint.Region == region)
                        {
                            writer.WriteString(endpoint.Interface.ToLowerInvariant() + "URL", endpoint.Url);
                        }
                    }
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        // The default encoder escapes everything outside ASCII, so the value is a valid header value.
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
