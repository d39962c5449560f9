using System.Globalization;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Resources;

namespace Archway.Identity.Tokens;

/// <summary>Writes the token document of POST/GET /v3/auth/tokens in Keystone's shape (render_token.py).</summary>
internal static class TokenJson
{
    public static void Write(Utf8JsonWriter writer, TokenModel token, IReadOnlyList<CatalogService>? catalog)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("token");
        writer.WriteStartArray("methods");
        foreach (var method in token.Methods)
        {
            writer.WriteStringValue(method);
        }
        writer.WriteEndArray();

        writer.WriteStartObject("user");
        WriteDomainRef(writer, token.UserDomain);
        writer.WriteString("id", token.User.Id);
        writer.WriteString("name", token.User.Name);
        if (token.PasswordExpiresAt is { } passwordExpiresAt)
        {
            writer.WriteString("password_expires_at", Iso(passwordExpiresAt));
        }
        else
        {
            writer.WriteNull("password_expires_at");
        }
        writer.WriteEndObject();

        writer.WriteStartArray("audit_ids");
        foreach (var auditId in token.Payload.AuditIds)
        {
            writer.WriteStringValue(auditId);
        }
        writer.WriteEndArray();
        writer.WriteString("expires_at", Iso(token.Payload.ExpiresAt.UtcDateTime));
        writer.WriteString("issued_at", Iso(token.Payload.IssuedAt.UtcDateTime));

        if (token.IsSystemScoped)
        {
            WriteRoles(writer, token);
            writer.WriteStartObject("system");
            writer.WriteBoolean("all", true);
            writer.WriteEndObject();
        }
        else if (token.Domain is { } domain)
        {
            writer.WriteStartObject("domain");
            writer.WriteString("id", domain.Id);
            writer.WriteString("name", domain.Name);
            writer.WriteEndObject();
            WriteRoles(writer, token);
        }
        else if (token.Project is { } project)
        {
            writer.WriteStartObject("project");
            WriteDomainRef(writer, token.ProjectDomain!);
            writer.WriteString("id", project.Id);
            writer.WriteString("name", project.Name);
            writer.WriteEndObject();
            writer.WriteBoolean("is_domain", project.IsDomain);
            WriteRoles(writer, token);
        }
        if (catalog is not null)
        {
            writer.WritePropertyName("catalog");
            WriteCatalog(writer, catalog);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteCatalog(Utf8JsonWriter writer, IReadOnlyList<CatalogService> catalog)
    {
        writer.WriteStartArray();
        foreach (var service in catalog)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("endpoints");
            foreach (var endpoint in service.Endpoints)
            {
                writer.WriteStartObject();
                writer.WriteString("id", endpoint.Id);
                writer.WriteString("interface", endpoint.Interface);
                writer.WriteString("region_id", endpoint.RegionId);
                writer.WriteString("url", endpoint.Url);
                writer.WriteString("region", endpoint.RegionId);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("id", service.Id);
            writer.WriteString("type", service.Type);
            writer.WriteString("name", service.Name);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteRoles(Utf8JsonWriter writer, TokenModel token)
    {
        writer.WriteStartArray("roles");
        foreach (var role in token.Roles)
        {
            writer.WriteStartObject();
            writer.WriteString("id", role.Id);
            writer.WriteString("name", role.Name);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteDomainRef(Utf8JsonWriter writer, ProjectRecord domain)
    {
        writer.WriteStartObject("domain");
        writer.WriteString("id", domain.Id);
        writer.WriteString("name", domain.Name);
        writer.WriteEndObject();
    }

    /// <summary>Keystone's isotime(subsecond=True): always six fractional digits and a Z.</summary>
    public static string Iso(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
