using System.Text.Json;
using Archway.Identity.Http;
using Archway.Identity.Tokens;

namespace Archway.Identity.Users;

/// <summary>User and group documents in Keystone's shape.</summary>
internal static class UserJson
{
    public static void Write(Utf8JsonWriter writer, UserRecord user, DateTime? passwordExpiresAt, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", user.Id);
        writer.WriteString("name", user.Name);
        writer.WriteString("domain_id", user.DomainId);
        writer.WriteBoolean("enabled", user.Enabled);
        if (passwordExpiresAt is { } expires)
        {
            writer.WriteString("password_expires_at", TokenJson.Iso(expires));
        }
        else
        {
            writer.WriteNull("password_expires_at");
        }
        if (user.DefaultProjectId is not null)
        {
            writer.WriteString("default_project_id", user.DefaultProjectId);
        }
        if (user.Description is not null)
        {
            writer.WriteString("description", user.Description);
        }
        writer.WritePropertyName("options");
        WriteObject(writer, user.Options);
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/users/{user.Id}");
        writer.WriteEndObject();
        ExtraAttributes.Write(writer, user.Extra, "id", "name", "domain_id", "enabled", "password_expires_at", "default_project_id", "description", "options", "links", "password");
        writer.WriteEndObject();
    }

    public static void WriteGroup(Utf8JsonWriter writer, GroupRecord group, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", group.Id);
        writer.WriteString("name", group.Name);
        writer.WriteString("domain_id", group.DomainId);
        writer.WriteString("description", group.Description ?? "");
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/groups/{group.Id}");
        writer.WriteEndObject();
        ExtraAttributes.Write(writer, group.Extra, "id", "name", "domain_id", "description", "links");
        writer.WriteEndObject();
    }

    /// <summary>A stored JSON object (options), or {} when none.</summary>
    public static void WriteObject(Utf8JsonWriter writer, string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }
        using var document = JsonDocument.Parse(json);
        document.RootElement.WriteTo(writer);
    }
}
