namespace Archway.KeystoneAuth;

/// <summary>
/// The claims of the principal the middleware gives a request with a valid X-Auth-Token. Each carries the value of
/// the keystonemiddleware header it is named after; <c>Identity.Name</c> is the user name and <c>IsInRole</c>
/// checks Keystone role names.
/// </summary>
public static class KeystoneClaimTypes
{
    public const string AuthenticationType = "Keystone";

    public const string UserId = "keystone:user_id";
    public const string UserName = "keystone:user_name";
    public const string UserDomainId = "keystone:user_domain_id";
    public const string UserDomainName = "keystone:user_domain_name";
    public const string ProjectId = "keystone:project_id";
    public const string ProjectName = "keystone:project_name";
    public const string ProjectDomainId = "keystone:project_domain_id";
    public const string ProjectDomainName = "keystone:project_domain_name";
    public const string DomainId = "keystone:domain_id";
    public const string DomainName = "keystone:domain_name";

    /// <summary>One claim per role name.</summary>
    public const string Role = "keystone:role";

    /// <summary>"all" for a system-scoped token (OpenStack-System-Scope).</summary>
    public const string SystemScope = "keystone:system_scope";

    /// <summary>"True" or "False", as X-Is-Admin-Project.</summary>
    public const string IsAdminProject = "keystone:is_admin_project";

    /// <summary>The X-Service-Catalog JSON (v2 shape); only with include_service_catalog.</summary>
    public const string ServiceCatalog = "keystone:service_catalog";

    /// <summary>The token's expires_at, ISO 8601.</summary>
    public const string ExpiresAt = "keystone:expires_at";
}
