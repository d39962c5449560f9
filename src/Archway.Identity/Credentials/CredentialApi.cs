using System.Text.Json;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Credentials;

/// <summary>
/// /v3/credentials: secrets a user keeps in Keystone (ec2 key pairs, TOTP seeds, ...), their blobs encrypted at rest.
/// Keystone's rules let a user manage their own (<c>user_id:%(target.credential.user_id)s</c>), so the target is the
/// stored credential when there is one, and the 404 comes after the policy check.
/// </summary>
internal static class CredentialApi
{
    /// <summary>Keystone's credential columns: user_id and project_id String(64), type String(255).</summary>
    private static readonly Dictionary<string, int> ColumnLengths = new(StringComparer.Ordinal)
    {
        ["user_id"] = 64,
        ["project_id"] = 64,
        ["type"] = 255,
    };

    private static readonly Dictionary<string, Func<CredentialRecord, string?>> Filters = new()
    {
        ["user_id"] = c => c.UserId,
        ["type"] = c => c.Type,
    };

    /// <summary>Keystone's built-in primary auth methods; a token with any other method is delegated.</summary>
    private static readonly HashSet<string> PrimaryAuthMethods = new(StringComparer.Ordinal)
    {
        "external", "kerberos", "mapped", "openid", "password", "saml2", "token", "totp", "x509",
    };

    /// <summary>Properties an ec2 blob may not change on update (they scope the credential).</summary>
    private static readonly string[] ScopeKeys = ["trust_id", "app_cred_id", "access_token_id", "access_id"];

    public static IEndpointRouteBuilder MapCredentialApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/credentials", Create);
        routes.MapMethods("/v3/credentials", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/credentials/{credentialId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/credentials/{credentialId}", Update);
        routes.MapDelete("/v3/credentials/{credentialId}", Delete);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options, CredentialCipher cipher)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "credential", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            // Keystone enforces before it validates, with the request body as the target.
            var target = Target.Credential(null, StringOrNull(body, "user_id"), StringOrNull(body, "project_id"), StringOrNull(body, "type"));
            if (access.Check(caller, "identity:create_credential", target) is { } denied)
            {
                return denied;
            }
            var blob = body.String("blob");
            var projectId = body.String("project_id");
            var type = body.String("type");
            var userId = body.String("user_id");
            if (body.Error is null && (blob is null || type is null || userId is null || (type == "ec2" && projectId is null)))
            {
                // The schema's oneOf: an ec2 credential needs a project_id, any other needs blob, type and user_id.
                body.Fail("", $"{PythonJson.Repr(body.Entity)} is not valid under any of the given schemas");
            }
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (DelegatedToken(caller) is { } delegated)
            {
                return delegated;
            }
            var id = DomainApi.NewId();
            if (type!.ToLowerInvariant() == "ec2")
            {
                var (ec2Blob, invalid) = CredentialBlob.ParseEc2(blob!);
                if (invalid is not null)
                {
                    return invalid;
                }
                id = CredentialBlob.Ec2Id(ec2Blob);
            }
            var keys = cipher.LoadKeys();
            var credential = new CredentialRecord
            {
                Id = id,
                UserId = userId!,
                ProjectId = projectId,
                Type = type,
                EncryptedBlob = keys.Encrypt(CredentialBlob.ToPlaintext(type, blob!)),
                KeyHash = keys.PrimaryKeyHash,
                Extra = ExtraAttributes.NormalizeNames(body.ExtraJson(null)),
            };
            await using var db = database.Open();
            if (options.CredentialUserLimit >= 0
                && await db.GetTable<CredentialRecord>().CountAsync(c => c.UserId == credential.UserId, context.RequestAborted) >= options.CredentialUserLimit)
            {
                return IdentityError.Forbidden($"Unable to create additional credentials, maximum of {options.CredentialUserLimit} already exceeded for user.");
            }
            if (TooLong(body) is { } tooLong)
            {
                return tooLong;
            }
            try
            {
                if (await db.GetTable<CredentialRecord>().AnyAsync(c => c.Id == credential.Id, context.RequestAborted))
                {
                    return Duplicate(credential.Id);
                }
                await db.InsertAsync(credential, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(credential.Id);
            }
            return CollectionJson.Member("credential", credential, (w, c) => CredentialJson.Write(w, c, blob!, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    /// <summary>
    /// Every credential the caller may read: Keystone checks list_credentials (outside system scope, as the owner of
    /// the caller's own credentials) and then get_credential on each one, leaving out the rest.
    /// </summary>
    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, CredentialCipher cipher)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var listTarget = caller.IsSystemScoped ? null : Target.Credential(null, caller.User.Id, null, null);
        if (access.Check(caller, "identity:list_credentials", listTarget) is { } denied)
        {
            return denied;
        }
        await using var db = database.Open();
        var stored = await db.GetTable<CredentialRecord>().OrderBy(c => c.Id).ToListAsync(context.RequestAborted);
        // Keystone's list_credentials passes its hints positionally, so list_limit never applies to credentials.
        var (matching, _) = ListQuery<CredentialRecord>.From(context.Request.Query, Filters).Apply(stored, null);
        var visible = new List<(CredentialRecord Credential, string Blob)>(matching.Count);
        var keys = cipher.LoadKeys();
        foreach (var credential in matching)
        {
            if (access.Check(caller, "identity:get_credential", TargetOf(credential)) is null && DelegatedToken(caller) is null)
            {
                visible.Add((credential, CredentialBlob.FromPlaintext(credential.Type, keys.Decrypt(credential.EncryptedBlob))));
            }
        }
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "credentials", visible, false, (w, c) => CredentialJson.Write(w, c.Credential, c.Blob, baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string credentialId, ApiAccess access, IdentityDatabase database, CredentialCipher cipher)
    {
        var (credential, db, error) = await LoadAsync(context, credentialId, access, database, "identity:get_credential");
        if (credential is null)
        {
            return error!;
        }
        await using (db)
        {
            var blob = CredentialBlob.FromPlaintext(credential.Type, cipher.LoadKeys().Decrypt(credential.EncryptedBlob));
            return CollectionJson.Member("credential", credential, (w, c) => CredentialJson.Write(w, c, blob, IdentityUrls.BaseUrl(context)));
        }
    }

    /// <summary>
    /// Only the blob may change (Keystone 22 refuses type, user_id and project_id on update); an ec2 blob must stay
    /// valid and keep its scope.
    /// </summary>
    private static async Task<IResult> Update(HttpContext context, string credentialId, ApiAccess access, IdentityDatabase database, KeystoneOptions options, CredentialCipher cipher)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var credential = await db.GetTable<CredentialRecord>().FirstOrDefaultAsync(c => c.Id == credentialId, context.RequestAborted);
        if (access.Check(caller, "identity:update_credential", credential is null ? null : TargetOf(credential)) is { } denied)
        {
            return denied;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "credential", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var blob = body.String("blob");
            var unexpected = body.Entity.EnumerateObject().Select(p => p.Name).Where(n => n != "blob").Order(StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
            {
                var names = string.Join(", ", unexpected.Select(n => $"'{n}'"));
                body.Fail("", $"Additional properties are not allowed ({names} {(unexpected.Count == 1 ? "was" : "were")} unexpected)");
            }
            if (blob is null)
            {
                body.Fail("", "'blob' is a required property");
            }
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (credential is null)
            {
                return NotFound(credentialId);
            }
            if (DelegatedToken(caller) is { } delegated)
            {
                return delegated;
            }
            var keys = cipher.LoadKeys();
            if (credential.Type.ToLowerInvariant() == "ec2")
            {
                var (newBlob, invalid) = CredentialBlob.ParseEc2(blob!);
                if (invalid is not null)
                {
                    return invalid;
                }
                var oldBlob = ParseObject(CredentialBlob.FromPlaintext(credential.Type, keys.Decrypt(credential.EncryptedBlob)));
                foreach (var key in ScopeKeys)
                {
                    if (!SameValue(oldBlob, newBlob, key))
                    {
                        return IdentityError.BadRequest($"{key} can not be updated for credential");
                    }
                }
            }
            // Keystone encrypts an updated blob as it is, whatever the type (see CredentialBlob.ToPlaintext).
            credential.EncryptedBlob = keys.Encrypt(CredentialBlob.ToPlaintext(null, blob!));
            credential.KeyHash = keys.PrimaryKeyHash;
            await db.UpdateAsync(credential, token: context.RequestAborted);
            return CollectionJson.Member("credential", credential, (w, c) => CredentialJson.Write(w, c, blob!, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string credentialId, ApiAccess access, IdentityDatabase database)
    {
        var (credential, db, error) = await LoadAsync(context, credentialId, access, database, "identity:delete_credential");
        if (credential is null)
        {
            return error!;
        }
        await using (db)
        {
            await db!.GetTable<CredentialRecord>().Where(c => c.Id == credential.Id).DeleteAsync(context.RequestAborted);
            return Results.NoContent();
        }
    }

    /// <summary>
    /// Authenticates, enforces the action with the credential as target (an empty target when there is none, so an
    /// owner rule fails: 403 before 404), then finds it (404) and refuses delegated tokens.
    /// </summary>
    private static async Task<(CredentialRecord? Credential, DataConnection? Db, IdentityError? Error)> LoadAsync(
        HttpContext context, string credentialId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, null, error);
        }
        var db = database.Open();
        var credential = await db.GetTable<CredentialRecord>().FirstOrDefaultAsync(c => c.Id == credentialId, context.RequestAborted);
        var failure = access.Check(caller, action, credential is null ? null : TargetOf(credential))
            ?? (credential is null ? NotFound(credentialId) : DelegatedToken(caller));
        if (failure is not null)
        {
            await db.DisposeAsync();
            return (null, null, failure);
        }
        return (credential, db, null);
    }

    /// <summary>
    /// Keystone's _require_primary_auth: a token got through delegation (an application credential, OAuth) may not
    /// touch credentials at all.
    /// </summary>
    private static IdentityError? DelegatedToken(TokenModel caller) =>
        caller.Methods.Count == 0 || !caller.Methods.All(PrimaryAuthMethods.Contains)
            ? IdentityError.Forbidden("You are not authorized to perform the requested action: Delegated tokens cannot access credentials directly.")
            : null;

    private static Dictionary<string, object?> TargetOf(CredentialRecord credential) =>
        Target.Credential(credential.Id, credential.UserId, credential.ProjectId, credential.Type);

    private static string? StringOrNull(EntityBody body, string name) =>
        body.Entity.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Keystone checks column lengths as it builds the row, in the order the request gave the values.</summary>
    private static IdentityError? TooLong(EntityBody body)
    {
        foreach (var property in body.Entity.EnumerateObject())
        {
            if (ColumnLengths.TryGetValue(property.Name, out var length) && property.Value.ValueKind == JsonValueKind.String
                && property.Value.GetString() is { } value && value.Length > length)
            {
                return IdentityError.StringLengthExceeded(value, property.Name, length);
            }
        }
        return null;
    }

    private static JsonElement ParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Python's <c>old.get(key) != new.get(key)</c>, where a missing key reads as None.</summary>
    private static bool SameValue(JsonElement old, JsonElement updated, string key)
    {
        var hasOld = old.ValueKind == JsonValueKind.Object && old.TryGetProperty(key, out var oldValue) && oldValue.ValueKind != JsonValueKind.Null;
        var hasNew = updated.TryGetProperty(key, out var newValue) && newValue.ValueKind != JsonValueKind.Null;
        return hasOld == hasNew && (!hasOld || JsonElement.DeepEquals(old.GetProperty(key), newValue));
    }

    private static IdentityError NotFound(string credentialId) => IdentityError.NotFound($"Could not find credential: {credentialId}.");

    private static IdentityError Duplicate(string id) => IdentityError.Conflict("credential", $"Duplicate entry found with ID {id}");
}
