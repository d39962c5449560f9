using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Credentials;

/// <summary>Credential documents in Keystone's shape: the blob decrypted, project_id always present.</summary>
internal static class CredentialJson
{
    public static void Write(Utf8JsonWriter writer, CredentialRecord credential, string blob, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", credential.Id);
        writer.WriteString("user_id", credential.UserId);
        writer.WriteString("project_id", credential.ProjectId);
        writer.WriteString("type", credential.Type);
        writer.WriteString("blob", blob);
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/credentials/{credential.Id}");
        writer.WriteEndObject();
        ExtraAttributes.Write(writer, credential.Extra, "id", "user_id", "project_id", "type", "blob", "links");
        writer.WriteEndObject();
    }
}
