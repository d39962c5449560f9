using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archway.Tests.Policy;

/// <summary>A caller: a user, one token of theirs, and Keystone's policy credentials for that token.</summary>
public sealed record Persona(string Name, string UserId, string Password, string Token, JsonObject Creds)
{
    public override string ToString() => Name;
}

/// <summary>
/// The data every persona case runs against: domain A (the personas' own) and B (another), project P in A (where the
/// project personas hold their role), a second project P2 in A and Q in B, other users and groups in A and B, a global
/// custom role, a domain-specific role in A and in B, an implied-role pair, and a service, endpoint and region. The
/// personas: system admin/member/reader, domain admin/member/reader of A, project admin/member/reader of P, and a
/// user with no role at all (an unscoped token). Every persona user lives in domain A.
/// </summary>
public abstract class PersonaWorld : IAsyncLifetime
{
    public const string Password = "Persona-Passw0rd";

    private readonly bool _enforceScope;
    private readonly bool _enforceNewDefaults;

    protected PersonaWorld(bool enforceScope, bool enforceNewDefaults)
    {
        _enforceScope = enforceScope;
        _enforceNewDefaults = enforceNewDefaults;
    }

    public IdentityServer Server { get; private set; } = null!;
    public KeystonePolicyOracle Oracle { get; private set; } = null!;
    public IReadOnlyList<Persona> Personas { get; private set; } = [];

    /// <summary>A system-scoped admin token for setting cases up, allowed everything under every configuration.</summary>
    public string Admin { get; private set; } = "";

    public string DomainA { get; private set; } = "";
    public string DomainB { get; private set; } = "";
    public string ProjectP { get; private set; } = "";
    public string ProjectP2 { get; private set; } = "";
    public string ProjectQ { get; private set; } = "";
    public string UserA2 { get; private set; } = "";
    public string UserB { get; private set; } = "";
    public string GroupA { get; private set; } = "";
    public string GroupB { get; private set; } = "";
    public string RoleGlobal { get; private set; } = "";
    public string RoleDomainA { get; private set; } = "";
    public string RoleDomainB { get; private set; } = "";
    public string ImpliedPrior { get; private set; } = "";
    public string ImpliedImplied { get; private set; } = "";
    public string ServiceId { get; private set; } = "";
    public string EndpointId { get; private set; } = "";
    public string RegionId { get; private set; } = "";
    public string CredentialB { get; private set; } = "";
    public Dictionary<string, string> RoleIds { get; } = [];

    public async Task InitializeAsync()
    {
        var config = $"[oslo_policy]\nenforce_scope = {_enforceScope}\nenforce_new_defaults = {_enforceNewDefaults}\n";
        Server = await IdentityServer.StartAsync(config);
        Oracle = await KeystonePolicyOracle.StartAsync(_enforceScope, _enforceNewDefaults);
        var bootstrapAdmin = (await Server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/v3/users?name=admin", await Server.AdminTokenAsync()))
            .GetProperty("users")[0].GetProperty("id").GetString()!;
        Admin = (await IssueAsync(bootstrapAdmin, IdentityServer.AdminPassword, new JsonObject { ["system"] = new JsonObject { ["all"] = true } })).Token;
        foreach (var role in new[] { "admin", "member", "reader" })
        {
            RoleIds[role] = (await Server.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v3/roles?name={role}", Admin)).GetProperty("roles")[0].GetProperty("id").GetString()!;
        }
        DomainA = await NewDomainAsync();
        DomainB = await NewDomainAsync();
        ProjectP = await NewProjectAsync(DomainA);
        ProjectP2 = await NewProjectAsync(DomainA);
        ProjectQ = await NewProjectAsync(DomainB);
        UserA2 = await NewUserAsync(DomainA);
        UserB = await NewUserAsync(DomainB);
        GroupA = await NewGroupAsync(DomainA);
        GroupB = await NewGroupAsync(DomainB);
        RoleGlobal = await NewRoleAsync(null);
        RoleDomainA = await NewRoleAsync(DomainA);
        RoleDomainB = await NewRoleAsync(DomainB);
        ImpliedPrior = await NewRoleAsync(null);
        ImpliedImplied = await NewRoleAsync(null);
        await Server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v3/roles/{ImpliedPrior}/implies/{ImpliedImplied}", Admin);
        RegionId = await NewRegionAsync();
        ServiceId = await NewServiceAsync();
        EndpointId = await NewEndpointAsync();
        CredentialB = await NewCredentialAsync(UserB);

        var personas = new List<Persona>();
        var scopes = new (string Kind, string GrantPath, JsonObject Scope)[]
        {
            ("system", "/v3/system/users/{0}/roles/{1}", new JsonObject { ["system"] = new JsonObject { ["all"] = true } }),
            ("domain", $"/v3/domains/{DomainA}/users/{{0}}/roles/{{1}}", new JsonObject { ["domain"] = new JsonObject { ["id"] = DomainA } }),
            ("project", $"/v3/projects/{ProjectP}/users/{{0}}/roles/{{1}}", new JsonObject { ["project"] = new JsonObject { ["id"] = ProjectP } }),
        };
        foreach (var (kind, grantPath, scope) in scopes)
        {
            foreach (var role in new[] { "admin", "member", "reader" })
            {
                personas.Add(await NewPersonaAsync($"{kind}_{role}", grantPath.Replace("{1}", RoleIds[role], StringComparison.Ordinal), (JsonObject)scope.DeepClone()));
            }
        }
        personas.Add(await NewPersonaAsync("no_role", null, null));
        Personas = personas;
    }

    public async Task DisposeAsync()
    {
        await Oracle.DisposeAsync();
        await Server.DisposeAsync();
    }

    private async Task<Persona> NewPersonaAsync(string name, string? grantPath, JsonObject? scope)
    {
        var userId = await NewUserAsync(DomainA);
        if (grantPath is not null)
        {
            await Server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, grantPath.Replace("{0}", userId, StringComparison.Ordinal), Admin);
        }
        var (token, body) = await IssueAsync(userId, Password, scope);
        return new Persona(name, userId, Password, token, CredsOf(body));
    }

    /// <summary>POST /v3/auth/tokens by user id and password, with the given scope (none: unscoped).</summary>
    public async Task<(string Token, JsonObject Body)> IssueAsync(string userId, string password, JsonObject? scope)
    {
        var auth = new JsonObject
        {
            ["identity"] = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject { ["user"] = new JsonObject { ["id"] = userId, ["password"] = password } },
            },
        };
        if (scope is not null)
        {
            auth["scope"] = scope;
        }
        using var response = await Server.Client.PostAsync("/v3/auth/tokens",
            new StringContent(new JsonObject { ["auth"] = auth }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"auth as {userId}: {(int)response.StatusCode} {text}");
        return (response.Headers.GetValues("X-Subject-Token").Single(), JsonNode.Parse(text)!["token"]!.AsObject());
    }

    /// <summary>
    /// keystone/common/context.py RequestContext.to_policy_values(): oslo.context's values for the token (user,
    /// scope, role names) plus <c>token</c>, the rendered token body that rules such as
    /// <c>token.domain.id:%(target.domain.id)s</c> read.
    /// </summary>
    private static JsonObject CredsOf(JsonObject token)
    {
        var roles = new JsonArray();
        foreach (var role in token["roles"]?.AsArray() ?? [])
        {
            roles.Add(role!["name"]!.GetValue<string>());
        }
        return new JsonObject
        {
            ["user_id"] = token["user"]!["id"]!.GetValue<string>(),
            ["user_domain_id"] = token["user"]!["domain"]!["id"]!.GetValue<string>(),
            ["project_id"] = token["project"]?["id"]?.GetValue<string>(),
            ["project_domain_id"] = token["project"]?["domain"]?["id"]?.GetValue<string>(),
            ["domain_id"] = token["domain"]?["id"]?.GetValue<string>(),
            ["system_scope"] = token["system"] is null ? null : "all",
            ["roles"] = roles,
            ["token"] = token.DeepClone(),
        };
    }

    public async Task<string> CreateAsync(string collection, string member, JsonObject entity)
    {
        var body = await Server.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/v3/" + collection, Admin,
            new JsonObject { [member] = entity }.ToJsonString());
        return body.GetProperty(member).GetProperty("id").GetString()!;
    }

    public static string Unique(string prefix) => ApiRequests.Unique(prefix);

    public Task<string> NewDomainAsync() => CreateAsync("domains", "domain", new JsonObject { ["name"] = Unique("dom") });

    /// <summary>A domain already disabled, so that a permitted DELETE succeeds.</summary>
    public async Task<string> NewDisabledDomainAsync()
    {
        var id = await CreateAsync("domains", "domain", new JsonObject { ["name"] = Unique("dom"), ["enabled"] = false });
        return id;
    }

    public Task<string> NewProjectAsync(string domainId) =>
        CreateAsync("projects", "project", new JsonObject { ["name"] = Unique("prj"), ["domain_id"] = domainId });

    public Task<string> NewUserAsync(string domainId) =>
        CreateAsync("users", "user", new JsonObject { ["name"] = Unique("usr"), ["domain_id"] = domainId, ["password"] = Password });

    public Task<string> NewGroupAsync(string domainId) =>
        CreateAsync("groups", "group", new JsonObject { ["name"] = Unique("grp"), ["domain_id"] = domainId });

    public Task<string> NewRoleAsync(string? domainId)
    {
        var role = new JsonObject { ["name"] = Unique("role") };
        if (domainId is not null)
        {
            role["domain_id"] = domainId;
        }
        return CreateAsync("roles", "role", role);
    }

    public Task<string> NewRegionAsync() => CreateAsync("regions", "region", new JsonObject { ["id"] = Unique("region") });

    public Task<string> NewServiceAsync() => CreateAsync("services", "service", new JsonObject { ["type"] = Unique("type"), ["name"] = Unique("svc") });

    public Task<string> NewEndpointAsync() => CreateAsync("endpoints", "endpoint", new JsonObject
    {
        ["service_id"] = ServiceId,
        ["interface"] = "public",
        ["url"] = "http://example.test:1234/",
        ["region_id"] = RegionId,
    });

    public Task<string> NewCredentialAsync(string userId) => CreateAsync("credentials", "credential", new JsonObject
    {
        ["type"] = "cert",
        ["user_id"] = userId,
        ["blob"] = Unique("blob"),
    });

    public async Task GrantAsync(string path) => await Server.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, Admin);

    public static JsonObject Parse(JsonElement element) => JsonNode.Parse(element.GetRawText())!.AsObject();
}

/// <summary>Keystone 22's shipped configuration: enforce_scope and enforce_new_defaults off (deprecated rules OR'd in).</summary>
public sealed class ZedDefaultsWorld() : PersonaWorld(enforceScope: false, enforceNewDefaults: false);

/// <summary>Secure RBAC as operators turn it on: enforce_scope and enforce_new_defaults both true.</summary>
public sealed class SecureRbacWorld() : PersonaWorld(enforceScope: true, enforceNewDefaults: true);
