using Archway.KeystoneAuth.Caching;
using Microsoft.AspNetCore.Http;

namespace Archway.KeystoneAuth.Middleware;

/// <summary>The headers keystonemiddleware reads and sets (auth_token/_request.py), with the same names.</summary>
internal static class AuthHeaders
{
    public const string AuthToken = "X-Auth-Token";
    public const string StorageToken = "X-Storage-Token";
    public const string ServiceToken = "X-Service-Token";
    public const string IdentityStatus = "X-Identity-Status";
    public const string ServiceIdentityStatus = "X-Service-Identity-Status";
    public const string IsAdminProject = "X-Is-Admin-Project";
    public const string SystemScope = "OpenStack-System-Scope";
    public const string ServiceCatalog = "X-Service-Catalog";
    public const string WwwAuthenticate = "WWW-Authenticate";

    /// <summary>Every header the middleware may set, removed from each request first so that none can be forged.</summary>
    public static readonly string[] Spoofable =
    [
        ServiceCatalog, IdentityStatus, ServiceIdentityStatus, IsAdminProject, SystemScope,
        // Not keystonemiddleware's name for the system scope, but one an application might read.
        "X-System-Scope",
        // keystonemiddleware's deprecated copies.
        "X-Role", "X-User", "X-Tenant-Id", "X-Tenant-Name", "X-Tenant",
        .. Names(""), .. Names("-Service"),
    ];

    private static string[] Names(string prefix) => new IdentityNames(prefix).All;

    private static readonly IdentityNames UserNames = new("");
    private static readonly IdentityNames ServiceNames = new("-Service");

    /// <summary>The identity headers of one kind of token, named once rather than on every request.</summary>
    private sealed class IdentityNames(string prefix)
    {
        public readonly string DomainId = $"X{prefix}-Domain-Id";
        public readonly string DomainName = $"X{prefix}-Domain-Name";
        public readonly string ProjectId = $"X{prefix}-Project-Id";
        public readonly string ProjectName = $"X{prefix}-Project-Name";
        public readonly string ProjectDomainId = $"X{prefix}-Project-Domain-Id";
        public readonly string ProjectDomainName = $"X{prefix}-Project-Domain-Name";
        public readonly string UserId = $"X{prefix}-User-Id";
        public readonly string UserName = $"X{prefix}-User-Name";
        public readonly string UserDomainId = $"X{prefix}-User-Domain-Id";
        public readonly string UserDomainName = $"X{prefix}-User-Domain-Name";
        public readonly string Roles = $"X{prefix}-Roles";

        public string[] All =>
            [DomainId, DomainName, ProjectId, ProjectName, ProjectDomainId, ProjectDomainName, UserId, UserName, UserDomainId, UserDomainName, Roles];
    }

    public static void RemoveSpoofable(IHeaderDictionary headers)
    {
        foreach (var name in Spoofable)
        {
            headers.Remove(name);
        }
    }

    public static string Status(bool confirmed) => confirmed ? "Confirmed" : "Invalid";

    /// <summary>set_user_headers: the user token's identity, plus the deprecated copies.</summary>
    public static void SetUser(IHeaderDictionary headers, ValidatedToken validated)
    {
        var token = validated.Token;
        SetIdentity(headers, UserNames, validated);
        Set(headers, SystemScope, token.SystemScope);
        headers[IsAdminProject] = token.IsAdminProject ? "True" : "False";
        headers["X-Role"] = validated.Roles;
        headers["X-User"] = token.UserName;
        Set(headers, "X-Tenant-Id", token.ProjectId);
        Set(headers, "X-Tenant-Name", token.ProjectName);
        Set(headers, "X-Tenant", token.ProjectName);
    }

    /// <summary>set_service_headers: the service token's identity, under X-Service-*.</summary>
    public static void SetService(IHeaderDictionary headers, ValidatedToken validated) => SetIdentity(headers, ServiceNames, validated);

    private static void SetIdentity(IHeaderDictionary headers, IdentityNames names, ValidatedToken validated)
    {
        var token = validated.Token;
        headers[names.Roles] = validated.Roles;
        Set(headers, names.DomainId, token.DomainId);
        Set(headers, names.DomainName, token.DomainName);
        Set(headers, names.ProjectId, token.ProjectId);
        Set(headers, names.ProjectName, token.ProjectName);
        Set(headers, names.ProjectDomainId, token.ProjectDomainId);
        Set(headers, names.ProjectDomainName, token.ProjectDomainName);
        headers[names.UserId] = token.UserId;
        headers[names.UserName] = token.UserName;
        headers[names.UserDomainId] = token.UserDomainId;
        headers[names.UserDomainName] = token.UserDomainName;
    }

    /// <summary>keystonemiddleware leaves out a header whose value the token does not have.</summary>
    private static void Set(IHeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }
}
