using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Resources;

/// <summary>Project and domain documents in Keystone's shape.</summary>
internal static class ProjectJson
{
    public static void Write(Utf8JsonWriter writer, ProjectRecord project, string baseUrl, Action<Utf8JsonWriter>? more = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id", project.Id);
        writer.WriteString("name", project.Name);
        writer.WriteString("domain_id", project.DomainId);
        writer.WriteString("description", project.Description ?? "");
        writer.WriteBoolean("enabled", project.Enabled);
        writer.WriteString("parent_id", project.ParentId);
        writer.WriteBoolean("is_domain", project.IsDomain);
        writer.WriteStartArray("tags");
        foreach (var tag in ProjectTags.Parse(project.Tags))
        {
            writer.WriteStringValue(tag);
        }
        writer.WriteEndArray();
        writer.WriteStartObject("options");
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/projects/{project.Id}");
        writer.WriteEndObject();
        more?.Invoke(writer);
        ExtraAttributes.Write(writer, project.Extra, "id", "name", "domain_id", "description", "enabled", "parent_id", "is_domain", "tags", "options", "links");
        writer.WriteEndObject();
    }

    public static void WriteDomain(Utf8JsonWriter writer, ProjectRecord domain, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", domain.Id);
        writer.WriteString("name", domain.Name);
        writer.WriteString("description", domain.Description ?? "");
        writer.WriteBoolean("enabled", domain.Enabled);
        writer.WriteStartArray("tags");
        writer.WriteEndArray();
        writer.WriteStartObject("options");
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/domains/{domain.Id}");
        writer.WriteEndObject();
        ExtraAttributes.Write(writer, domain.Extra, "id", "name", "description", "enabled", "tags", "options", "links");
        writer.WriteEndObject();
    }

    /// <summary>The links object of an unpaginated Keystone collection.</summary>
    public static void WriteCollectionLinks(Utf8JsonWriter writer, string self)
    {
        writer.WriteStartObject("links");
        writer.WriteString("self", self);
        writer.WriteNull("previous");
        writer.WriteNull("next");
        writer.WriteEndObject();
    }
}
