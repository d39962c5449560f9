using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Credentials;

/// <summary>
/// What Keystone encrypts for a blob and shows again, and how it reads an ec2 blob: a JSON object whose
/// <c>access</c> key names the credential (its id is the SHA-256 of the access key).
/// </summary>
internal static class CredentialBlob
{
    /// <summary>
    /// The plaintext Keystone encrypts: for a credential created with type exactly "ec2", json.dumps of the blob
    /// string (a JSON string literal); otherwise, and for every blob an update writes, the blob itself.
    /// </summary>
    public static string ToPlaintext(string? createdType, string blob) =>
        createdType == "ec2" ? PythonJson.DumpString(blob) : blob;

    /// <summary>
    /// The blob a credential shows: for type "ec2" Keystone json.loads the plaintext, so a string literal gives the
    /// blob as created and an object (written by an update) comes back re-serialized by Python's json.dumps.
    /// </summary>
    public static string FromPlaintext(string type, string plaintext)
    {
        if (type != "ec2")
        {
            return plaintext;
        }
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.String ? root.GetString()! : PythonJson.Dumps(root);
        }
        catch (JsonException)
        {
            return plaintext;
        }
    }

    /// <summary>
    /// Keystone's _validate_blob_json, for credentials whose type is ec2 in any case: valid JSON, a non-empty object,
    /// with an access key.
    /// </summary>
    public static (JsonElement Blob, IdentityError? Error) ParseEc2(string blob)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(blob);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (default, IdentityError.BadRequest("Invalid blob in credential"));
        }
        if (root.ValueKind != JsonValueKind.Object || !root.EnumerateObject().Any())
        {
            return (default, IdentityError.Validation("blob", "credential"));
        }
        // Keystone fails with a 500 on an access key that is not a string; it is refused here as a missing one.
        if (!root.TryGetProperty("access", out var access) || access.ValueKind != JsonValueKind.String)
        {
            return (default, IdentityError.Validation("access", "credential"));
        }
        return (root, null);
    }

    /// <summary>An ec2 credential's id: hex SHA-256 of its access key, so the access key finds the credential.</summary>
    public static string Ec2Id(JsonElement blob) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blob.GetProperty("access").GetString()!)));
}
