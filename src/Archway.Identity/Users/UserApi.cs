using Archway.Identity.Assignments;
using Archway.Identity.Config;
using Archway.Identity.Credentials;
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

namespace Archway.Identity.Users;

/// <summary>/v3/users: users, their passwords, and the projects and groups they belong to.</summary>
internal static class UserApi
{
    /// <summary>The query filters of a user list (also GET /v3/groups/{id}/users).</summary>
    internal static readonly Dictionary<string, Func<UserRecord, string?>> Filters = new()
    {
        ["name"] = u => u.Name,
        ["domain_id"] = u => u.DomainId,
        ["enabled"] = u => ListQuery<UserRecord>.Bool(u.Enabled),
        ["id"] = u => u.Id,
    };

    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/users", Create);
        routes.MapMethods("/v3/users", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/users/{userId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/users/{userId}", Update);
        routes.MapDelete("/v3/users/{userId}", Delete);
        routes.MapPost("/v3/users/{userId}/password", ChangePassword);
        routes.MapMethods("/v3/users/{userId}/projects", [HttpMethods.Get, HttpMethods.Head], ListProjects);
        routes.MapMethods("/v3/users/{userId}/groups", [HttpMethods.Get, HttpMethods.Head], ListGroups);
        return routes;
    }

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options, PasswordRules passwords, TimeProvider time)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "user", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: true, maxLength: 255);
            var domainId = body.Id("domain_id", nullable: false);
            var defaultProjectId = body.Id("default_project_id");
            var description = body.String("description", nullable: true);
            var enabled = body.Boolean("enabled");
            var password = body.String("password", nullable: true);
            var userOptions = UserOptions.Read(body);
            body.Raw("federated");
            if (body.Error is not null)
            {
                return body.Error;
            }
            domainId ??= caller.Domain?.Id ?? caller.Project?.DomainId ?? options.DefaultDomainId;
            if (access.Check(caller, "identity:create_user", Target.Of("user", domainId)) is { } denied)
            {
                return denied;
            }
            await using var db = database.Open();
            if (await db.FindDomainAsync(domainId, context.RequestAborted) is null)
            {
                return IdentityError.NotFound($"Could not find domain: {domainId}.");
            }
            if (password is not null && passwords.CheckRequirements(password) is { } weak)
            {
                return weak;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var user = new UserRecord
            {
                Id = DomainApi.NewId(),
                Name = name!,
                DomainId = domainId,
                DefaultProjectId = defaultProjectId,
                Description = description,
                Enabled = enabled ?? true,
                CreatedAt = now,
                Options = userOptions,
                Extra = body.ExtraJson(null),
            };
            if (await db.FindUserByNameAsync(user.Name, domainId, context.RequestAborted) is not null)
            {
                return Duplicate(user);
            }
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            try
            {
                await db.InsertAsync(user, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(user);
            }
            DateTime? expiresAt = null;
            if (password is not null)
            {
                // An admin setting the password: it expires at once when change_password_upon_first_use is on.
                expiresAt = await passwords.StoreAsync(db, user, password, selfService: false, context.RequestAborted);
            }
            await transaction.CommitAsync(context.RequestAborted);
            return CollectionJson.Member("user", user, (w, u) => UserJson.Write(w, u, expiresAt, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
        }
    }

    private static async Task<IResult> List(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var domainFilter = context.Request.Query["domain_id"].FirstOrDefault();
        var (caller, callerError) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return callerError!;
        }
        if (access.Check(caller, "identity:list_users", Target.ListScope(caller, "target.domain_id", domainFilter)) is { } denied)
        {
            return denied;
        }
        await using var db = database.Open();
        var users = await db.GetTable<UserRecord>().OrderBy(u => u.Name).ToListAsync(context.RequestAborted);
        if (caller.Domain is { } scope)
        {
            // A domain-scoped token lists only its own domain's users, whatever the query asks (as Keystone filters).
            users.RemoveAll(x => x.DomainId != scope.Id);
        }
        var (items, truncated) = ListQuery<UserRecord>.From(context.Request.Query, Filters).Apply(users, options.ListLimit);
        var expiries = await PasswordExpiriesAsync(db, context.RequestAborted);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "users", items, truncated,
            (w, u) => UserJson.Write(w, u, expiries.GetValueOrDefault(u.Id), baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string userId, ApiAccess access, IdentityDatabase database)
    {
        var (caller, user, db, error) = await LoadAsync(context, userId, access, database, "identity:get_user");
        if (user is null)
        {
            return error!;
        }
        await using (db)
        {
            var password = await db!.CurrentPasswordAsync(user.Id, context.RequestAborted);
            return CollectionJson.Member("user", user, (w, u) => UserJson.Write(w, u, password?.ExpiresAt, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Update(HttpContext context, string userId, ApiAccess access, IdentityDatabase database, KeystoneOptions options, PasswordRules passwords, RevocationList revocations, TimeProvider time)
    {
        var (caller, user, db, error) = await LoadAsync(context, userId, access, database, "identity:update_user");
        if (user is null)
        {
            return error!;
        }
        await using (db)
        {
            var (body, bodyError) = await EntityBody.ReadAsync(context, "user", options.MaxRequestBodySize);
            if (body is null)
            {
                return bodyError!;
            }
            using (body)
            {
                var name = body.Name(required: false, maxLength: 255);
                var domainId = body.Id("domain_id", nullable: false);
                var defaultProjectId = body.Id("default_project_id");
                var description = body.String("description", nullable: true);
                var enabled = body.Boolean("enabled");
                var password = body.String("password", nullable: true);
                var userOptions = UserOptions.Read(body, user.Options);
                body.Raw("federated");
                if (body.Error is not null)
                {
                    return body.Error;
                }
                if (domainId is not null && domainId != user.DomainId)
                {
                    return IdentityError.BadRequest("Cannot change Domain ID");
                }
                if (name is not null && name != user.Name && await db!.FindUserByNameAsync(name, user.DomainId, context.RequestAborted) is not null)
                {
                    user.Name = name;
                    return Duplicate(user);
                }
                if (password is not null && passwords.CheckRequirements(password) is { } weak)
                {
                    return weak;
                }
                var disabling = user.Enabled && enabled == false;
                user.Name = name ?? user.Name;
                if (body.Has("default_project_id"))
                {
                    user.DefaultProjectId = defaultProjectId;
                }
                if (body.Has("description"))
                {
                    user.Description = description;
                }
                user.Enabled = enabled ?? user.Enabled;
                user.Options = userOptions;
                user.Extra = body.ExtraJson(user.Extra);
                if (enabled == true)
                {
                    // Re-enabling a user clears a lockout, as Keystone does.
                    user.FailedAuthCount = 0;
                    user.FailedAuthAt = null;
                }
                await using var transaction = await db!.BeginTransactionAsync(context.RequestAborted);
                await db.UpdateAsync(user, token: context.RequestAborted);
                DateTime? expiresAt;
                if (password is not null)
                {
                    expiresAt = await passwords.StoreAsync(db, user, password, selfService: false, context.RequestAborted);
                }
                else
                {
                    expiresAt = (await db.CurrentPasswordAsync(user.Id, context.RequestAborted))?.ExpiresAt;
                }
                if (disabling || password is not null)
                {
                    await revocations.RevokeAsync(db, Revocation.For(time, userId: user.Id), context.RequestAborted);
                }
                await transaction.CommitAsync(context.RequestAborted);
                return CollectionJson.Member("user", user, (w, u) => UserJson.Write(w, u, expiresAt, IdentityUrls.BaseUrl(context)));
            }
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string userId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (caller, user, db, error) = await LoadAsync(context, userId, access, database, "identity:delete_user");
        if (user is null)
        {
            return error!;
        }
        await using (db)
        {
            await using var transaction = await db!.BeginTransactionAsync(context.RequestAborted);
            await db.GetTable<AssignmentRecord>().Where(a => a.ActorId == user.Id).DeleteAsync(context.RequestAborted);
            await db.GetTable<SystemAssignmentRecord>().Where(a => a.ActorId == user.Id).DeleteAsync(context.RequestAborted);
            await db.GetTable<CredentialRecord>().Where(c => c.UserId == user.Id).DeleteAsync(context.RequestAborted);
            await db.GetTable<UserRecord>().Where(u => u.Id == user.Id).DeleteAsync(context.RequestAborted);
            await revocations.RevokeAsync(db, Revocation.For(time, userId: user.Id), context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            return Results.NoContent();
        }
    }

    private static async Task<IResult> ChangePassword(HttpContext context, string userId, IdentityDatabase database, KeystoneOptions options, PasswordRules passwords, RevocationList revocations, TimeProvider time)
    {
        // Keystone leaves this API unenforced: knowing the original password is the authorization.
        var (body, bodyError) = await EntityBody.ReadAsync(context, "user", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var original = body.String("original_password", required: true);
            var password = body.String("password", required: true);
            if (body.Error is not null)
            {
                return body.Error;
            }
            await using var db = database.Open();
            var user = await db.FindUserAsync(userId, context.RequestAborted);
            if (user is null)
            {
                return IdentityError.NotFound($"Could not find user: {userId}.");
            }
            var current = await db.CurrentPasswordAsync(user.Id, context.RequestAborted);
            if (current is null || !await passwords.Hasher.VerifyAsync(original!, current.PasswordHash, context.RequestAborted))
            {
                return IdentityError.Unauthorized("Error when changing user password: Invalid user / password");
            }
            if (await passwords.CheckSelfServiceChangeAsync(db, user, current, password!, context.RequestAborted) is { } refused)
            {
                return refused;
            }
            await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
            await passwords.StoreAsync(db, user, password!, selfService: true, context.RequestAborted);
            await revocations.RevokeAsync(db, Revocation.For(time, userId: user.Id), context.RequestAborted);
            await transaction.CommitAsync(context.RequestAborted);
            return Results.NoContent();
        }
    }

    private static async Task<IResult> ListProjects(HttpContext context, string userId, ApiAccess access, IdentityDatabase database)
    {
        var (caller, user, db, error) = await LoadAsync(context, userId, access, database, "identity:list_user_projects");
        if (user is null)
        {
            return error!;
        }
        await using (db)
        {
            var projects = await ProjectsForUser.ListAsync(db!, user.Id, context.RequestAborted);
            var filters = new Dictionary<string, Func<ProjectRecord, string?>>
            {
                ["name"] = p => p.Name,
                ["domain_id"] = p => p.DomainId,
                ["enabled"] = p => ListQuery<ProjectRecord>.Bool(p.Enabled),
            };
            var (items, truncated) = ListQuery<ProjectRecord>.From(context.Request.Query, filters).Apply(projects, null);
            var baseUrl = IdentityUrls.BaseUrl(context);
            return CollectionJson.Result(context, "projects", items, truncated, (w, p) => ProjectJson.Write(w, p, baseUrl));
        }
    }

    private static async Task<IResult> ListGroups(HttpContext context, string userId, ApiAccess access, IdentityDatabase database)
    {
        var (caller, user, db, error) = await LoadAsync(context, userId, access, database, "identity:list_groups_for_user");
        if (user is null)
        {
            return error!;
        }
        await using (db)
        {
            var groupIds = db!.GetTable<UserGroupMembershipRecord>().Where(m => m.UserId == user.Id).Select(m => m.GroupId);
            var groups = await db!.GetTable<GroupRecord>().Where(g => groupIds.Contains(g.Id)).OrderBy(g => g.Name).ToListAsync(context.RequestAborted);
            if (caller!.Domain is { } scope)
            {
                // keystone/api/users.py UserGroupsResource: a domain-scoped token sees only its domain's groups.
                groups.RemoveAll(g => g.DomainId != scope.Id);
            }
            var baseUrl = IdentityUrls.BaseUrl(context);
            return CollectionJson.Result(context, "groups", groups, false, (w, g) => UserJson.WriteGroup(w, g, baseUrl));
        }
    }

    /// <summary>Authenticates, finds the user (404) and enforces the action on it (403); the connection stays open for the handler.</summary>
    private static async Task<(TokenModel? Caller, UserRecord? User, DataConnection? Db, IdentityError? Error)> LoadAsync(
        HttpContext context, string userId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, null, null, error);
        }
        var db = database.Open();
        var user = await db.FindUserAsync(userId, context.RequestAborted);
        if (user is null)
        {
            await db.DisposeAsync();
            return (caller, null, null, IdentityError.NotFound($"Could not find user: {userId}."));
        }
        if (access.Check(caller, action, Target.User(user)) is { } denied)
        {
            await db.DisposeAsync();
            return (caller, null, null, denied);
        }
        return (caller, user, db, null);
    }

    /// <summary>Each user's current password expiry, for list responses.</summary>
    private static async Task<Dictionary<string, DateTime?>> PasswordExpiriesAsync(DataConnection db, CancellationToken cancellationToken)
    {
        var rows = await db.GetTable<PasswordRecord>().OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var result = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            result[row.UserId] = row.ExpiresAt;
        }
        return result;
    }

    private static IdentityError Duplicate(UserRecord user) =>
        IdentityError.Conflict("user", $"Duplicate entry found with name {user.Name} at domain ID {user.DomainId}");
}
