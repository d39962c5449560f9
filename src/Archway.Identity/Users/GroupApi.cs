using Archway.Identity.Assignments;
using Archway.Identity.Config;
using Archway.Identity.Http;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Archway.Identity.Users;

/// <summary>/v3/groups: groups and their members. Roles given to a group reach every member.</summary>
internal static class GroupApi
{
    private static readonly Dictionary<string, Func<GroupRecord, string?>> Filters = new()
    {
        ["name"] = g => g.Name,
        ["domain_id"] = g => g.DomainId,
        ["id"] = g => g.Id,
    };

    public static IEndpointRouteBuilder MapGroupApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/groups", Create);
        routes.MapMethods("/v3/groups", [HttpMethods.Get, HttpMethods.Head], List);
        routes.MapMethods("/v3/groups/{groupId}", [HttpMethods.Get, HttpMethods.Head], Get);
        routes.MapPatch("/v3/groups/{groupId}", Update);
        routes.MapDelete("/v3/groups/{groupId}", Delete);
        routes.MapMethods("/v3/groups/{groupId}/users", [HttpMethods.Get, HttpMethods.Head], ListMembers);
        routes.MapPut("/v3/groups/{groupId}/users/{userId}", AddMember);
        routes.MapMethods("/v3/groups/{groupId}/users/{userId}", [HttpMethods.Head, HttpMethods.Get], CheckMember);
        routes.MapDelete("/v3/groups/{groupId}/users/{userId}", RemoveMember);
        return routes;
    }

    private static Dictionary<string, object?> TargetOf(GroupRecord group) => new()
    {
        ["target.group.id"] = group.Id,
        ["target.group.name"] = group.Name,
        ["target.group.domain_id"] = group.DomainId,
        ["group_id"] = group.Id,
    };

    private static async Task<IResult> Create(HttpContext context, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "group", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: true, maxLength: 255);
            var domainId = body.Id("domain_id", nullable: false);
            var description = body.String("description", nullable: true);
            if (body.Error is not null)
            {
                return body.Error;
            }
            domainId ??= caller.Domain?.Id ?? caller.Project?.DomainId ?? options.DefaultDomainId;
            if (access.Check(caller, "identity:create_group", Target.Of("group", domainId)) is { } denied)
            {
                return denied;
            }
            await using var db = database.Open();
            if (await db.FindDomainAsync(domainId, context.RequestAborted) is null)
            {
                return IdentityError.NotFound($"Could not find domain: {domainId}.");
            }
            var group = new GroupRecord { Id = DomainApi.NewId(), Name = name!, DomainId = domainId, Description = description, Extra = body.ExtraJson(null) };
            if (await db.GetTable<GroupRecord>().AnyAsync(g => g.Name == group.Name && g.DomainId == domainId, context.RequestAborted))
            {
                return Duplicate(group);
            }
            try
            {
                await db.InsertAsync(group, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                return Duplicate(group);
            }
            return CollectionJson.Member("group", group, (w, g) => UserJson.WriteGroup(w, g, IdentityUrls.BaseUrl(context)), StatusCodes.Status201Created);
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
        if (access.Check(caller, "identity:list_groups", Target.ListScope(caller, "target.group.domain_id", domainFilter)) is { } denied)
        {
            return denied;
        }
        await using var db = database.Open();
        var groups = await db.GetTable<GroupRecord>().OrderBy(g => g.Name).ToListAsync(context.RequestAborted);
        if (caller.Domain is { } scope)
        {
            // A domain-scoped token lists only its own domain's groups, whatever the query asks (as Keystone filters).
            groups.RemoveAll(x => x.DomainId != scope.Id);
        }
        var (items, truncated) = ListQuery<GroupRecord>.From(context.Request.Query, Filters).Apply(groups, options.ListLimit);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "groups", items, truncated, (w, g) => UserJson.WriteGroup(w, g, baseUrl));
    }

    private static async Task<IResult> Get(HttpContext context, string groupId, ApiAccess access, IdentityDatabase database)
    {
        var (group, _, error) = await LoadAsync(context, groupId, access, database, "identity:get_group");
        return group is null ? error! : CollectionJson.Member("group", group, (w, g) => UserJson.WriteGroup(w, g, IdentityUrls.BaseUrl(context)));
    }

    private static async Task<IResult> Update(HttpContext context, string groupId, ApiAccess access, IdentityDatabase database, KeystoneOptions options)
    {
        var (group, _, error) = await LoadAsync(context, groupId, access, database, "identity:update_group");
        if (group is null)
        {
            return error!;
        }
        var (body, bodyError) = await EntityBody.ReadAsync(context, "group", options.MaxRequestBodySize);
        if (body is null)
        {
            return bodyError!;
        }
        using (body)
        {
            var name = body.Name(required: false, maxLength: 255);
            var domainId = body.Id("domain_id", nullable: false);
            var description = body.String("description", nullable: true);
            if (body.Error is not null)
            {
                return body.Error;
            }
            if (domainId is not null && domainId != group.DomainId)
            {
                return IdentityError.BadRequest("Cannot change Domain ID");
            }
            await using var db = database.Open();
            if (name is not null && name != group.Name
                && await db.GetTable<GroupRecord>().AnyAsync(g => g.Name == name && g.DomainId == group.DomainId, context.RequestAborted))
            {
                group.Name = name;
                return Duplicate(group);
            }
            group.Name = name ?? group.Name;
            if (body.Has("description"))
            {
                group.Description = description;
            }
            group.Extra = body.ExtraJson(group.Extra);
            await db.UpdateAsync(group, token: context.RequestAborted);
            return CollectionJson.Member("group", group, (w, g) => UserJson.WriteGroup(w, g, IdentityUrls.BaseUrl(context)));
        }
    }

    private static async Task<IResult> Delete(HttpContext context, string groupId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (group, _, error) = await LoadAsync(context, groupId, access, database, "identity:delete_group");
        if (group is null)
        {
            return error!;
        }
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        var members = await db.GetTable<UserGroupMembershipRecord>().Where(m => m.GroupId == group.Id).Select(m => m.UserId).ToListAsync(context.RequestAborted);
        await db.GetTable<AssignmentRecord>().Where(a => a.ActorId == group.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<SystemAssignmentRecord>().Where(a => a.ActorId == group.Id).DeleteAsync(context.RequestAborted);
        await db.GetTable<GroupRecord>().Where(g => g.Id == group.Id).DeleteAsync(context.RequestAborted);
        foreach (var member in members)
        {
            // The roles the group carried leave its members' tokens.
            await revocations.RevokeAsync(db, Revocation.For(time, userId: member), context.RequestAborted);
        }
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> ListMembers(HttpContext context, string groupId, ApiAccess access, IdentityDatabase database)
    {
        var (group, caller, error) = await LoadAsync(context, groupId, access, database, "identity:list_users_in_group");
        if (group is null)
        {
            return error!;
        }
        await using var db = database.Open();
        var userIds = db.GetTable<UserGroupMembershipRecord>().Where(m => m.GroupId == group.Id).Select(m => m.UserId);
        var users = await db.GetTable<UserRecord>().Where(u => userIds.Contains(u.Id)).OrderBy(u => u.Name).ToListAsync(context.RequestAborted);
        // As Keystone: a domain-scoped caller sees only the members from its own domain (a group may hold users of
        // other domains), and the list takes the user list's filters.
        if (caller!.Domain is { } scope)
        {
            users.RemoveAll(u => u.DomainId != scope.Id);
        }
        var (items, _) = ListQuery<UserRecord>.From(context.Request.Query, UserApi.Filters).Apply(users, null);
        var baseUrl = IdentityUrls.BaseUrl(context);
        return CollectionJson.Result(context, "users", items, false, (w, u) => UserJson.Write(w, u, null, baseUrl));
    }

    private static async Task<IResult> AddMember(HttpContext context, string groupId, string userId, ApiAccess access, IdentityDatabase database)
    {
        var (group, user, error) = await LoadMembershipAsync(context, groupId, userId, access, database, "identity:add_user_to_group");
        if (group is null)
        {
            return error!;
        }
        await using var db = database.Open();
        if (!await db.GetTable<UserGroupMembershipRecord>().AnyAsync(m => m.GroupId == group.Id && m.UserId == user!.Id, context.RequestAborted))
        {
            try
            {
                await db.InsertAsync(new UserGroupMembershipRecord { GroupId = group.Id, UserId = user!.Id }, token: context.RequestAborted);
            }
            catch (Exception e) when (Data.Database.DatabaseErrors.IsUniqueViolation(e))
            {
                // Added concurrently: the membership exists, which is what was asked.
            }
        }
        return Results.NoContent();
    }

    private static async Task<IResult> CheckMember(HttpContext context, string groupId, string userId, ApiAccess access, IdentityDatabase database)
    {
        var (group, user, error) = await LoadMembershipAsync(context, groupId, userId, access, database, "identity:check_user_in_group");
        if (group is null)
        {
            return error!;
        }
        await using var db = database.Open();
        return await db.GetTable<UserGroupMembershipRecord>().AnyAsync(m => m.GroupId == group.Id && m.UserId == user!.Id, context.RequestAborted)
            ? Results.NoContent()
            : IdentityError.NotFound($"{user!.Id} is not a member of {group.Id}.");
    }

    private static async Task<IResult> RemoveMember(HttpContext context, string groupId, string userId, ApiAccess access, IdentityDatabase database, RevocationList revocations, TimeProvider time)
    {
        var (group, user, error) = await LoadMembershipAsync(context, groupId, userId, access, database, "identity:remove_user_from_group");
        if (group is null)
        {
            return error!;
        }
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(context.RequestAborted);
        var removed = await db.GetTable<UserGroupMembershipRecord>().Where(m => m.GroupId == group.Id && m.UserId == user!.Id).DeleteAsync(context.RequestAborted);
        if (removed == 0)
        {
            return IdentityError.NotFound($"{user!.Id} is not a member of {group.Id}.");
        }
        // As Keystone: leaving a group ends the user's tokens, which may carry the group's roles.
        await revocations.RevokeAsync(db, Revocation.For(time, userId: user!.Id), context.RequestAborted);
        await transaction.CommitAsync(context.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>The group and the authenticated caller allowed <paramref name="action"/> on it, or the 401/404/403.</summary>
    private static async Task<(GroupRecord? Group, TokenModel? Caller, IdentityError? Error)> LoadAsync(HttpContext context, string groupId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, null, error);
        }
        await using var db = database.Open();
        var group = await db.GetTable<GroupRecord>().FirstOrDefaultAsync(g => g.Id == groupId, context.RequestAborted);
        if (group is null)
        {
            return (null, null, IdentityError.NotFound($"Could not find group: {groupId}."));
        }
        return access.Check(caller, action, TargetOf(group)) is { } denied ? (null, null, denied) : (group, caller, null);
    }

    private static async Task<(GroupRecord? Group, UserRecord? User, IdentityError? Error)> LoadMembershipAsync(HttpContext context, string groupId, string userId, ApiAccess access, IdentityDatabase database, string action)
    {
        var (caller, error) = await access.AuthenticateAsync(context);
        if (caller is null)
        {
            return (null, null, error);
        }
        await using var db = database.Open();
        var group = await db.GetTable<GroupRecord>().FirstOrDefaultAsync(g => g.Id == groupId, context.RequestAborted);
        if (group is null)
        {
            return (null, null, IdentityError.NotFound($"Could not find group: {groupId}."));
        }
        var user = await db.FindUserAsync(userId, context.RequestAborted);
        if (user is null)
        {
            return (null, null, IdentityError.NotFound($"Could not find user: {userId}."));
        }
        var target = TargetOf(group);
        foreach (var (key, value) in Target.User(user))
        {
            target[key] = value;
        }
        return access.Check(caller, action, target) is { } denied ? (null, null, denied) : (group, user, null);
    }

    private static IdentityError Duplicate(GroupRecord group) =>
        IdentityError.Conflict("group", $"Duplicate entry found with name {group.Name} at domain ID {group.DomainId}");
}
