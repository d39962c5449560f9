using System.Text.Json;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Assignments;

/// <summary>/v3/roles, implied roles (/v3/roles/{prior}/implies/{implied}) and /v3/role_inferences.</summary>
internal static class RoleApi
{
    /// <summary>Keystone's [assignment] prohibited_implied_role default.</summary>
    private static readonly string[] ProhibitedImpliedRoles = ["admin"];

    public static IEndpointRouteBuilder MapRoleApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/roles", Create);
        routes.MapMethods("/v3/roles", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/roles/{roleId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/roles/{roleId}", Update);
        routes.MapDelete("/v3/roles/{roleId}", Delete);
        routes.MapPut("/v3/roles/{priorId}/implies/{impliedId}", CreateImplied);
        routes.MapMethods("/v3/roles/{priorId}/implies/{impliedId}", [HttpMethods.Get, HttpMethods.Head], GetImplied);
        routes.MapDelete("/v3/roles/{priorId}/implies/{impliedId}", DeleteImplied);
        routes.MapMethods("/v3/roles/{priorId}/implies", [HttpMethods.Get, HttpMethods.Head], ListImplied);
        routes.MapMethods("/v3/role_inferences", [HttpMethods.Get, HttpMethods.Head], ListInferences);
        return routes;
    }

    internal static Dictionary<string, object?> TargetOf(RoleRecord role) => new()
    {
        ["target.role.id"] = role.Id,
        ["target.role.name"] = role.Name,
        ["target.role.domain_id"] = DomainOf(role),
        ["role_id"] = role.Id,
    };

    internal static string? DomainOf(RoleRecord role) => role.DomainId == RoleRecord.GlobalDomainId ? null : role.DomainId;

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "role", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: true, maxLength: 255);
            var domainId = body.Id("domain_id");
            var description = body.String("description", nullable: true, maxLength: 255);
            var roleOptions = ReadOptions(body, null);
            if (body.Error is not null)
            {
                return body.Error;
            }
            var action = domainId is null ? "identity:create_role" : "identity:create_domain_role";
            if (access.Check(caller, action, Target.Of("role", domainId)) is { } denied)
            {
                return denied;
            }
            await using var db = database.Open();
            if (domainId is not null && await db.FindDomainAsync(domainId, context.RequestAborted) is null)
            {
                return IdentityError.NotFound($"Could not find domain: {domainId}.");
            }
            var role = new RoleRecord
            {
                Id = DomainApi.NewId(),
                Name = name!,
                DomainId = domainId ?? RoleRecord.GlobalDomainId,
                Description = description,
                Options = roleOptions,
                Extra = body.ExtraJson(null),
            };
            if (await db.GetTable<RoleRecord>().AnyAsync(r => r.Name == role.Name && r.DomainId == role.DomainId, context.RequestAborted))
            {
                return Duplicate(role);
            }
            try
            {
                await db.InsertAsync(role, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(role);
            }
            return CollectionJson.Member("role", role, (w, r) => Write(w, r, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var domainId = context.Request.Query["domain_id"].FirstOrDefault();
        var action = domainId is null ? "identity:list_roles" : "identity:list_domain_roles";
        var (_, denied) = await access.AuthorizeAsync(context, action, Target.Of("role", domainId));
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        // Without a domain_id filter Keystone lists the global roles only.
        var stored = domainId ?? RoleRecord.GlobalDomainId;
        var roles = await db.GetTable<RoleRecord>().Where(r => r.DomainId == stored).OrderBy(r => r.Name).ToListAsync(context.RequestAborted);
        var filters = new Dictionary<string, Func<RoleRecord, string?>> { ["name"] = r => r.Name, ["id"] = r => r.Id };
        var (items, truncated) = ListQuery<RoleRecord>.From(context.Request.Query, filters).Apply(roles, options.ListLimit);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "roles", items, truncated, (w, r) => Write(w, r, baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string roleId, ApiAccess access, IdentityDatabase database)
    {
        var (role, error) = await LoadAsync(context, roleId, access, database, "identity:get_role", "identity:get_domain_role");
        return role is null ? error! : CollectionJson.Member("role", role, (w, r) => Write(w, r, IdentityUrls.BaseUrl(context)));
    }

    private static async Task<IResult> Update(HttpContext context, string roleId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (role, error) = await LoadAsync(context, roleId, access, database, "identity:update_role", "identity:update_domain_role");
        if (role is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "role", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: false, maxLength: 255);
            var domainId = body.Id("domain_id");
            var description = body.String("description", nullable: true, maxLength: 255);
            var wasImmutable = IsImmutable(role.Options);
            var roleOptions = ReadOptions(body, role.Options);
            if (body.Error is not null)
            {
                return body.Error;
            }
            // An immutable role can only be changed by an update that turns immutable off, and nothing else.
            if (wasImmutable && (IsImmutable(roleOptions) || name is not null || body.Has("description")))
            {
                return IdentityError.Forbidden($"Unable to update immutable role resource: `{role.Id}. Set resource option \"immutable\" to false first.");
            }
            if (body.Has("domain_id") && domainId != DomainOf(role))
            {
                return IdentityError.BadRequest("Update of `domain_id` is not allowed.");
            }
            await using var db = database.Open();
            if (name is not null && name != role.Name
                && await db.GetTable<RoleRecord>().AnyAsync(r => r.Name == name && r.DomainId == role.DomainId, context.RequestAborted))
            {
                role.Name = name;
                return Duplicate(role);
            }
            role.Name = name ?? role.Name;
            if (body.Has("description"))
            {
                role.Description = description;
            }
            role.Options = roleOptions;
            role.Extra = body.ExtraJson(role.Extra);
            await db.UpdateAsync(role, token: context.RequestAborted);
            return CollectionJson.Member("role", role, (w, r) => Write(w, r, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string roleId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (role, error) = await LoadAsync(context, roleId, access, database, "identity:delete_role", "identity:delete_domain_role");
        if (role is null)
        {
            return error!;
        }
        if (IsImmutable(role.Options))
        {
            return IdentityError.Forbidden($"Unable to delete immutable role resource: `{role.Id}. Set resource option \"immutable\" to false first.");
        }
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        await db.GetTable<AssignmentRecord>().Where(a => a.RoleId == role.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<SystemAssignmentRecord>().Where(a => a.RoleId == role.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<ImpliedRoleRecord>().Where(i => i.PriorRoleId == role.Id || i.ImpliedRoleId == role.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<RoleRecord>().Where(r => r.Id == role.Id).DeleteAsync(context.RequestAborted);
        await revocations.RevokeAsync(db, Revocation.For(time, roleId: role.Id), context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateImplied(HttpContext context, string priorId, string impliedId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (pair, error) = await LoadPairAsync(context, priorId, impliedId, access, database, "identity:create_implied_role");
        if (pair is null)
        {
            return error!;
        }
        var (prior, implied) = pair.Value;
        if (prior.Id == implied.Id || Array.IndexOf(ProhibitedImpliedRoles, implied.Name) >= 0)
        {
            return IdentityError.Forbidden($"{implied.Id} cannot be an implied roles.");
        }
        await using var db = database.Open();
        // A role may not end up implying itself through a chain.
        if (await ImpliesAsync(db, implied.Id, prior.Id, context.RequestAborted))
        {
            return IdentityError.Forbidden($"{implied.Id} cannot be an implied roles.");
        }
        if (!await db.GetTable<ImpliedRoleRecord>().AnyAsync(i => i.PriorRoleId == prior.Id && i.ImpliedRoleId == implied.Id, context.RequestAborted))
        {
            await db.InsertAsync(new ImpliedRoleRecord { PriorRoleId = prior.Id, ImpliedRoleId = implied.Id }, token: context.RequestAborted);
        }
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(w => WriteInference(w, prior, implied, baseUrl), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetImplied(HttpContext context, string priorId, string impliedId, ApiAccess access, IdentityDatabase database)
    {
        var (pair, error) = await LoadPairAsync(context, priorId, impliedId, access, database, "identity:get_implied_role");
        if (pair is null)
        {
            return error!;
        }
        var (prior, implied) = pair.Value;
        await using var db = database.Open();
        if (!await db.GetTable<ImpliedRoleRecord>().AnyAsync(i => i.PriorRoleId == prior.Id && i.ImpliedRoleId == implied.Id, context.RequestAborted))
        {
            return IdentityError.NotFound($"{prior.Id} does not imply {implied.Id}.");
        }
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return Results.NoContent();
        }
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(w => WriteInference(w, prior, implied, baseUrl));
    }

    private static async Task<IResult> DeleteImplied(HttpContext context, string priorId, string impliedId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (pair, error) = await LoadPairAsync(context, priorId, impliedId, access, database, "identity:delete_implied_role");
        if (pair is null)
        {
            return error!;
        }
        var (prior, implied) = pair.Value;
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        var deleted = await db.GetTable<ImpliedRoleRecord>().Where(i => i.PriorRoleId == prior.Id && i.ImpliedRoleId == implied.Id).DeleteAsync(context.RequestAborted);
        if (deleted == 0)
        {
            return IdentityError.NotFound($"{prior.Id} does not imply {implied.Id}.");
        }
        // Tokens holding the prior role carried the implied one too.
        await revocations.RevokeAsync(db, Revocation.For(time, roleId: prior.Id), context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> ListImplied(HttpContext context, string priorId, ApiAccess access, IdentityDatabase database)
    {
        var (prior, error) = await LoadAsync(context, priorId, access, database, "identity:list_implied_roles", "identity:list_implied_roles");
        if (prior is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var impliedIds = db.GetTable<ImpliedRoleRecord>().Where(i => i.PriorRoleId == prior.Id).Select(i => i.ImpliedRoleId);
        var implied = await db.GetTable<RoleRecord>().Where(r => impliedIds.Contains(r.Id)).OrderBy(r => r.Name).ToListAsync(context.RequestAborted);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("role_inference");
            w.WritePropertyName("prior_role");
            WriteRef(w, prior, baseUrl);
            w.WriteStartArray("implies");
            foreach (var role in implied)
            {
                WriteRef(w, role, baseUrl);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("links");
            w.WriteString("self", $"{baseUrl}/v3/roles/{prior.Id}/implies");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> ListInferences(HttpContext context, ApiAccess access, IdentityDatabase database)
    {
        var (_, denied) = await access.AuthorizeAsync(context, "identity:list_role_inference_rules");
        if (denied is not null)
        {
            return denied;
        }
        await using var db = database.Open();
        var rules = await db.GetTable<ImpliedRoleRecord>().ToListAsync(context.RequestAborted);
        var roles = (await db.GetTable<RoleRecord>().ToListAsync(context.RequestAborted)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return new JsonResult(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("role_inferences");
            foreach (var group in rules.GroupBy(r => r.PriorRoleId).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WritePropertyName("prior_role");
                WriteRef(w, roles[group.Key], baseUrl);
                w.WriteStartArray("implies");
                foreach (var rule in group)
                {
                    WriteRef(w, roles[rule.ImpliedRoleId], baseUrl);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("links");
            w.WriteString("self", $"{baseUrl}/v3/role_inferences");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Whether <paramref name="from"/> implies <paramref name="to"/> through any chain of rules.</summary>
    private static async Task<bool> ImpliesAsync(DataConnection db, string from, string to, CancellationToken cancellationToken)
    {
        var rules = await db.GetTable<ImpliedRoleRecord>().ToListAsync(cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([from]);
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (id == to)
            {
                return true;
            }
            if (!seen.Add(id))
            {
                continue;
            }
            foreach (var rule in rules)
            {
                if (rule.PriorRoleId == id)
                {
                    pending.Push(rule.ImpliedRoleId);
                }
            }
        }
        return false;
    }

    private static async Task<(RoleRecord? Role, IdentityError? Error)> LoadAsync(HttpContext context, string roleId, ApiAccess access, IdentityDatabase database, string globalAction, string domainAction)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, error);
        }
        await using var db = database.Open();
        var role = await db.GetTable<RoleRecord>().FirstOrDefaultAsync(r => r.Id == roleId, context.RequestAborted);
        if (role is null)
        {
            return (null, IdentityError.NotFound($"Could not find role: {roleId}."));
        }
        var action = role.DomainId == RoleRecord.GlobalDomainId ? globalAction : domainAction;
        return access.Check(caller, action, TargetOf(role)) is { } denied ? (null, denied) : (role, null);
    }

    private static async Task<((RoleRecord Prior, RoleRecord Implied)? Pair, IdentityError? Error)> LoadPairAsync(HttpContext context, string priorId, string impliedId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, error);
        }
        await using var db = database.Open();
        var prior = await db.GetTable<RoleRecord>().FirstOrDefaultAsync(r => r.Id == priorId, context.RequestAborted);
        if (prior is null)
        {
            return (null, IdentityError.NotFound($"Could not find role: {priorId}."));
        }
        var implied = await db.GetTable<RoleRecord>().FirstOrDefaultAsync(r => r.Id == impliedId, context.RequestAborted);
        if (implied is null)
        {
            return (null, IdentityError.NotFound($"Could not find role: {impliedId}."));
        }
        var target = new Dictionary<string, object?> { ["prior_role_id"] = prior.Id, ["implied_role_id"] = implied.Id };
        return access.Check(caller, action, target) is { } denied ? (null, denied) : ((prior, implied), null);
    }

    public static void Write(Utf8JsonWriter writer, RoleRecord role, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", role.Id);
        writer.WriteString("name", role.Name);
        writer.WriteString("domain_id", DomainOf(role));
        writer.WriteString("description", role.Description);
        writer.WritePropertyName("options");
        UserJson.WriteObject(writer, role.Options);
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/roles/{role.Id}");
        writer.WriteEndObject();
        ExtraAttributes.Write(writer, role.Extra, "id", "name", "domain_id", "description", "options", "links");
        writer.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter writer, RoleRecord role, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteString("id", role.Id);
        writer.WriteString("name", role.Name);
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/roles/{role.Id}");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteInference(Utf8JsonWriter writer, RoleRecord prior, RoleRecord implied, string baseUrl)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("role_inference");
        writer.WritePropertyName("prior_role");
        WriteRef(writer, prior, baseUrl);
        writer.WritePropertyName("implies");
        WriteRef(writer, implied, baseUrl);
        writer.WriteEndObject();
        writer.WriteStartObject("links");
        writer.WriteString("self", $"{baseUrl}/v3/roles/{prior.Id}/implies/{implied.Id}");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? ReadOptions(EntityBody body, string? existing)
    {
        if (body.Raw("options") is not { } options)
        {
            return existing;
        }
        if (options.ValueKind != JsonValueKind.Object)
        {
            body.Fail("options", $"{JsonSchemaText.Describe(options)} is not of type 'object'");
            return existing;
        }
        var merged = ExtraAttributes.Parse(existing);
        foreach (var option in options.EnumerateObject())
        {
            if (option.Name != "immutable")
            {
                body.Fail("options", $"Additional properties are not allowed ('{option.Name}' was unexpected)");
            }
            else if (option.Value.ValueKind is JsonValueKind.Null)
            {
                merged.Remove(option.Name);
            }
            else if (option.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                body.Fail("options/immutable", $"{JsonSchemaText.Describe(option.Value)} is not of type 'boolean', 'null'");
            }
            else
            {
                merged[option.Name] = option.Value.Clone();
            }
        }
        return ExtraAttributes.Serialize(merged);
    }

    internal static bool IsImmutable(string? options)
    {
        if (string.IsNullOrEmpty(options))
        {
            return false;
        }
        using var document = JsonDocument.Parse(options);
        return document.RootElement.TryGetProperty("immutable", out var value) && value.ValueKind == JsonValueKind.True;
    }

    private static IdentityError Duplicate(RoleRecord role) => IdentityError.Conflict("role",
        role.DomainId == RoleRecord.GlobalDomainId
            ? $"Duplicate entry found with name {role.Name}"
            : $"Duplicate entry found with name {role.Name} at domain ID {role.DomainId}");
}
