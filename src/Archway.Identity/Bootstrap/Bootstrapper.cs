using Archway.Identity.Assignments;
using Archway.Identity.Catalog;
using Archway.Identity.Config;
using Archway.Identity.Passwords;
using Archway.Identity.Resources;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.Identity.Users;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.Extensions.Logging;

namespace Archway.Identity.Bootstrap;

/// <summary>
/// keystone-manage bootstrap: the Default domain, the admin project, user and roles (admin implies member implies
/// reader), the admin's project and system role, the region and the identity endpoints. Idempotent: what exists is
/// left alone, except that a changed password is reset, a disabled admin re-enabled and endpoint URLs updated.
/// </summary>
public sealed partial class Bootstrapper(IdentityDatabase database, KeystoneOptions options, TimeProvider time, ILogger<Bootstrapper> logger)
{
    /// <summary>Whether the bootstrap user exists, i.e. whether `archway up` still has to bootstrap.</summary>
    public async Task<bool> IsBootstrappedAsync(string username, CancellationToken cancellationToken)
    {
        await using var db = database.Open();
        return await db.FindUserByNameAsync(username, options.DefaultDomainId, cancellationToken) is not null;
    }

    public async Task RunAsync(BootstrapOptions bootstrap, CancellationToken cancellationToken)
    {
        var hasher = new PasswordHasher(options.PasswordHashAlgorithm, options.PasswordHashRounds);
        await using var db = database.Open();
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var domainId = options.DefaultDomainId;

        if (await db.FindDomainAsync(domainId, cancellationToken) is null)
        {
            await db.InsertAsync(new ProjectRecord
            {
                Id = domainId,
                Name = "Default",
                Description = "The default domain",
                Enabled = true,
                DomainId = ProjectRecord.RootDomainId,
                IsDomain = true,
            }, token: cancellationToken);
            Log.Created(logger, "domain", domainId);
        }

        var project = await db.FindProjectByNameAsync(bootstrap.ProjectName, domainId, cancellationToken);
        if (project is null)
        {
            project = new ProjectRecord
            {
                Id = NewId(),
                Name = bootstrap.ProjectName,
                Description = "Bootstrap project for initializing the cloud.",
                Enabled = true,
                DomainId = domainId,
                ParentId = domainId,
                IsDomain = false,
            };
            await db.InsertAsync(project, token: cancellationToken);
            Log.Created(logger, "project", bootstrap.ProjectName);
        }

        var reader = await EnsureRoleAsync(db, "reader", bootstrap.ImmutableRoles, cancellationToken);
        var member = await EnsureRoleAsync(db, "member", bootstrap.ImmutableRoles, cancellationToken);
        await EnsureImpliedAsync(db, member.Id, reader.Id, cancellationToken);
        var admin = await EnsureRoleAsync(db, bootstrap.RoleName, bootstrap.ImmutableRoles, cancellationToken);
        await EnsureImpliedAsync(db, admin.Id, member.Id, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.FindUserByNameAsync(bootstrap.Username, domainId, cancellationToken);
        if (user is null)
        {
            user = new UserRecord { Id = NewId(), DomainId = domainId, Name = bootstrap.Username, Enabled = true, CreatedAt = now };
            await db.InsertAsync(user, token: cancellationToken);
            await db.InsertAsync(new PasswordRecord { UserId = user.Id, PasswordHash = hasher.Hash(bootstrap.Password), CreatedAt = now }, token: cancellationToken);
            Log.Created(logger, "user", bootstrap.Username);
        }
        else
        {
            if (!user.Enabled)
            {
                await db.GetTable<UserRecord>().Where(u => u.Id == user.Id).Set(u => u.Enabled, true).UpdateAsync(cancellationToken);
                Log.Updated(logger, "user", bootstrap.Username, "enabled");
            }
            var current = await db.CurrentPasswordAsync(user.Id, cancellationToken);
            if (current is null || !hasher.Verify(bootstrap.Password, current.PasswordHash))
            {
                await db.InsertAsync(new PasswordRecord { UserId = user.Id, PasswordHash = hasher.Hash(bootstrap.Password), CreatedAt = now }, token: cancellationToken);
                // As in Keystone: tokens obtained with the old password stop working.
                var second = TokenService.TruncateToSecond(now);
                await db.InsertAsync(new RevocationEventRecord { UserId = user.Id, IssuedBefore = second, RevokedAt = second }, token: cancellationToken);
                Log.Updated(logger, "user", bootstrap.Username, "password");
            }
        }

        await EnsureAssignmentAsync(db, user.Id, project.Id, admin.Id, cancellationToken);
        if (!await db.GetTable<SystemAssignmentRecord>().AnyAsync(a => a.ActorId == user.Id && a.RoleId == admin.Id, cancellationToken))
        {
            await db.InsertAsync(new SystemAssignmentRecord
            {
                Type = SystemAssignmentRecord.UserSystem,
                ActorId = user.Id,
                RoleId = admin.Id,
            }, token: cancellationToken);
        }

        if (bootstrap.RegionId is not null
            && !await db.GetTable<RegionRecord>().AnyAsync(r => r.Id == bootstrap.RegionId, cancellationToken))
        {
            await db.InsertAsync(new RegionRecord { Id = bootstrap.RegionId }, token: cancellationToken);
            Log.Created(logger, "region", bootstrap.RegionId);
        }

        await EnsureIdentityEndpointsAsync(db, bootstrap, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task EnsureIdentityEndpointsAsync(DataConnection db, BootstrapOptions bootstrap, CancellationToken cancellationToken)
    {
        if (bootstrap.PublicUrl is null && bootstrap.InternalUrl is null && bootstrap.AdminUrl is null)
        {
            return;
        }
        var service = await db.GetTable<ServiceRecord>().Where(s => s.Type == "identity").OrderBy(s => s.Id).FirstOrDefaultAsync(cancellationToken);
        if (service is null)
        {
            service = new ServiceRecord { Id = NewId(), Type = "identity", Name = bootstrap.ServiceName, Enabled = true };
            await db.InsertAsync(service, token: cancellationToken);
            Log.Created(logger, "service", bootstrap.ServiceName);
        }
        var existing = await db.GetTable<EndpointRecord>()
            .Where(e => e.ServiceId == service.Id && (bootstrap.RegionId == null || e.RegionId == bootstrap.RegionId))
            .ToListAsync(cancellationToken);
        foreach (var (face, url) in new[] { ("public", bootstrap.PublicUrl), ("internal", bootstrap.InternalUrl), ("admin", bootstrap.AdminUrl) })
        {
            if (url is null)
            {
                continue;
            }
            var endpoint = existing.Find(e => e.Interface == face);
            if (endpoint is null)
            {
                await db.InsertAsync(new EndpointRecord
                {
                    Id = NewId(),
                    Interface = face,
                    ServiceId = service.Id,
                    Url = url,
                    Enabled = true,
                    RegionId = bootstrap.RegionId,
                }, token: cancellationToken);
                Log.Created(logger, face + " endpoint", url);
            }
            else if (endpoint.Url != url)
            {
                await db.GetTable<EndpointRecord>().Where(e => e.Id == endpoint.Id).Set(e => e.Url, url).UpdateAsync(cancellationToken);
                Log.Updated(logger, face + " endpoint", endpoint.Id, "url");
            }
        }
    }

    private async Task<RoleRecord> EnsureRoleAsync(DataConnection db, string name, bool immutable, CancellationToken cancellationToken)
    {
        var role = await db.GetTable<RoleRecord>().FirstOrDefaultAsync(r => r.Name == name && r.DomainId == RoleRecord.GlobalDomainId, cancellationToken);
        if (role is not null)
        {
            return role;
        }
        role = new RoleRecord { Id = NewId(), Name = name, Options = immutable ? """{"immutable": true}""" : null };
        await db.InsertAsync(role, token: cancellationToken);
        Log.Created(logger, "role", name);
        return role;
    }

    private static async Task EnsureImpliedAsync(DataConnection db, string prior, string implied, CancellationToken cancellationToken)
    {
        if (!await db.GetTable<ImpliedRoleRecord>().AnyAsync(i => i.PriorRoleId == prior && i.ImpliedRoleId == implied, cancellationToken))
        {
            await db.InsertAsync(new ImpliedRoleRecord { PriorRoleId = prior, ImpliedRoleId = implied }, token: cancellationToken);
        }
    }

    private static async Task EnsureAssignmentAsync(DataConnection db, string userId, string projectId, string roleId, CancellationToken cancellationToken)
    {
        if (!await db.GetTable<AssignmentRecord>().AnyAsync(
                a => a.Type == AssignmentRecord.UserProject && a.ActorId == userId && a.TargetId == projectId && a.RoleId == roleId && !a.Inherited,
                cancellationToken))
        {
            await db.InsertAsync(new AssignmentRecord
            {
                Type = AssignmentRecord.UserProject,
                ActorId = userId,
                TargetId = projectId,
                RoleId = roleId,
            }, token: cancellationToken);
        }
    }

    /// <summary>Keystone's ids: uuid4 as 32 lower-case hex digits.</summary>
    internal static string NewId() => Guid.NewGuid().ToString("N");

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} {Name}")]
        public static partial void Created(ILogger logger, string kind, string name);

        [LoggerMessage(Level = LogLevel.Information, Message = "Updated {Kind} {Name}: {What}")]
        public static partial void Updated(ILogger logger, string kind, string name, string what);
    }
}
