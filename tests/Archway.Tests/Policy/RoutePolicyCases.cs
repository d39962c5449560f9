using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archway.Tests.Policy;

/// <summary>
/// One request a persona makes, and what Keystone would enforce for it: the action and the policy dict its API
/// handler builds (keystone/api/*.py, enforce_call). <paramref name="Success"/> are the statuses an allowed request
/// may get; a denied one must get 403 with Keystone's policy message.
/// </summary>
public sealed record Probe(string Variant, string Method, string Path, string? Body, string? Action, JsonObject Policy, int[] Success)
{
    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>An extra check of an allowed response's body (e.g. a domain-scoped list only shows that domain); null when fine.</summary>
    public Func<JsonElement, Task<string?>>? Check { get; init; }
}

public delegate Task<IReadOnlyList<Probe>> ProbeBuilder(PersonaWorld world, Persona persona);

/// <summary>
/// Every Identity route (method and pattern, as registered) with the probes each persona makes against it. The
/// policy dicts mirror what Keystone 22's handler passes to enforce_call, cited per route; the verdict comes from
/// Keystone's own policy engine (KeystonePolicyOracle), never from Archway's.
/// </summary>
public static class RoutePolicyCases
{
    private static readonly int[] Ok = [200];
    private static readonly int[] Created = [201];
    private static readonly int[] NoContent = [204];

    public static IReadOnlyDictionary<string, ProbeBuilder> Routes { get; } = Build();

    public static TheoryData<string> Keys
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var key in Routes.Keys.Order(StringComparer.Ordinal))
            {
                data.Add(key);
            }
            return data;
        }
    }

    // Keystone's entity dicts as build_target loads them; only what the default rules read matters.
    private static JsonObject User(string id, string domainId) => new() { ["id"] = id, ["domain_id"] = domainId, ["enabled"] = true };
    private static JsonObject Project(string id, string domainId) => new() { ["id"] = id, ["domain_id"] = domainId, ["parent_id"] = domainId, ["is_domain"] = false, ["enabled"] = true };
    private static JsonObject Domain(string id) => new() { ["id"] = id, ["enabled"] = true };
    private static JsonObject Group(string id, string domainId) => new() { ["id"] = id, ["domain_id"] = domainId };
    private static JsonObject Role(string id, string? domainId) => new() { ["id"] = id, ["domain_id"] = domainId };
    private static JsonObject Credential(string id, string userId) => new() { ["id"] = id, ["user_id"] = userId, ["type"] = "cert", ["project_id"] = null };

    /// <summary>Keystone's policy dict: the view args, then <c>target</c>, then <c>filter_attr</c> (enforcer.py enforce_call).</summary>
    private static JsonObject Policy(JsonObject? viewArgs = null, JsonObject? target = null, JsonObject? filters = null)
    {
        var policy = viewArgs ?? [];
        if (target is not null)
        {
            policy["target"] = target;
        }
        if (filters is not null && filters.Count > 0)
        {
            policy["filter_attr"] = filters;
        }
        return policy;
    }

    private static string? DomainScope(Persona p) => p.Creds["domain_id"]?.GetValue<string>();

    private static bool SystemScoped(Persona p) => p.Creds["system_scope"] is not null;

    private static Task<IReadOnlyList<Probe>> Done(params Probe[] probes) => Task.FromResult<IReadOnlyList<Probe>>(probes);

    /// <summary>For a domain-scoped caller, every listed entity is in that domain (Keystone filters after enforcing).</summary>
    private static Func<JsonElement, Task<string?>>? OnlyOwnDomain(Persona p, string collection)
    {
        var domain = DomainScope(p);
        if (domain is null)
        {
            return null;
        }
        return body =>
        {
            foreach (var item in body.GetProperty(collection).EnumerateArray())
            {
                if (item.GetProperty("domain_id").GetString() != domain)
                {
                    return Task.FromResult<string?>($"domain-scoped list shows {item.GetProperty("id")} of domain {item.GetProperty("domain_id")}");
                }
            }
            return Task.FromResult<string?>(null);
        };
    }

    /// <summary>
    /// A list of users, projects or groups: all, filtered to the own and to the other domain. Keystone's target is the
    /// token's domain for a domain-scoped token (<paramref name="scopeTarget"/>), the filter goes under filter_attr,
    /// and a domain-scoped caller sees only its own domain's entities.
    /// </summary>
    private static ProbeBuilder ListInDomain(string collection, string action, Func<string, JsonObject> scopeTarget) => (w, p) => Done(
        [.. new[] { ("all", (string?)null), ("own domain", w.DomainA), ("other domain", w.DomainB) }.Select(v => new Probe(v.Item1, "GET",
            v.Item2 is null ? $"/v3/{collection}" : $"/v3/{collection}?domain_id={v.Item2}", null, action,
            Policy(target: DomainScope(p) is { } d ? scopeTarget(d) : null,
                filters: v.Item2 is null ? null : new JsonObject { ["domain_id"] = v.Item2 }), Ok)
        { Check = OnlyOwnDomain(p, collection) })]);

    /// <summary>A create in the own domain, in the other and with no domain_id: Keystone's target is the request body.</summary>
    private static ProbeBuilder CreateInDomain(string collection, string member, string action) => (w, p) => Done(
        [.. new[] { ("in own domain", (string?)w.DomainA), ("in other domain", w.DomainB), ("no domain_id", null) }.Select(v =>
        {
            var entity = new JsonObject { ["name"] = PersonaWorld.Unique(member) };
            if (v.Item2 is not null)
            {
                entity["domain_id"] = v.Item2;
            }
            return new Probe(v.Item1, "POST", $"/v3/{collection}", new JsonObject { [member] = entity.DeepClone() }.ToJsonString(),
                action, Policy(target: new JsonObject { [member] = entity }), Created);
        })]);

    /// <summary>A delete of a fresh entity in the own domain and one in the other: Keystone's target is the entity.</summary>
    private static ProbeBuilder DeleteInDomain(string collection, string viewArg, string action, Func<PersonaWorld, string, Task<string>> create, Func<string, string, JsonObject> target) => async (w, p) =>
    {
        var probes = new List<Probe>();
        foreach (var (variant, domain) in new[] { ("in own domain", w.DomainA), ("in other domain", w.DomainB) })
        {
            var id = await create(w, domain);
            probes.Add(new Probe(variant, "DELETE", $"/v3/{collection}/{id}", null, action, Policy(new JsonObject { [viewArg] = id }, target(id, domain)), NoContent));
        }
        return probes;
    };

    private static Dictionary<string, ProbeBuilder> Build()
    {
        var routes = new Dictionary<string, ProbeBuilder>(StringComparer.Ordinal);
        void Add(string method, string pattern, ProbeBuilder builder) => routes.Add($"{method} {pattern}", builder);

        // GET and HEAD share a handler and (except for tokens) an action: keystone's flask routes serve both.
        void AddGet(string pattern, ProbeBuilder builder)
        {
            Add("GET", pattern, builder);
            Add("HEAD", pattern, async (w, p) => [.. (await builder(w, p)).Select(probe => probe with { Method = "HEAD", Check = null })]);
        }

        // keystone/api/discovery.py: version documents, no authentication and no policy.
        Add("GET", "/", (w, p) => Done(new Probe("versions", "GET", "/", null, null, Policy(), [200, 300])));
        Add("GET", "/v3", (w, p) => Done(new Probe("v3", "GET", "/v3", null, null, Policy(), Ok)));

        AddAuth(Add, AddGet);
        AddDomains(Add, AddGet);
        AddProjects(Add, AddGet);
        AddUsers(Add, AddGet);
        AddGroups(Add, AddGet);
        AddRoles(Add, AddGet);
        AddGrants(Add, AddGet);
        AddCatalog(Add, AddGet);
        AddCredentials(Add, AddGet);
        return routes;
    }

    private static void AddAuth(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/auth.py AuthTokenResource.post: @unenforced_api.
        add("POST", "/v3/auth/tokens", (w, p) => Done(new Probe("own password", "POST", "/v3/auth/tokens",
            new JsonObject
            {
                ["auth"] = new JsonObject
                {
                    ["identity"] = new JsonObject
                    {
                        ["methods"] = new JsonArray("password"),
                        ["password"] = new JsonObject { ["user"] = new JsonObject { ["id"] = p.UserId, ["password"] = p.Password } },
                    },
                },
            }.ToJsonString(), null, Policy(), Created)));

        // auth.py AuthTokenResource.get/head/delete: no target, so enforce_call adds target.token from X-Subject-Token
        // (enforcer.py _extract_subject_token_target_data): its user_id and user.domain.id.
        ProbeBuilder Tokens(string method, string action, int[] success) => async (w, p) =>
        {
            var probes = new List<Probe>();
            foreach (var (variant, userId) in new[] { ("own token", p.UserId), ("other user's token", w.UserA2) })
            {
                var (subject, _) = await w.IssueAsync(userId, PersonaWorld.Password, null);
                var token = new JsonObject { ["user_id"] = userId, ["user"] = new JsonObject { ["domain"] = new JsonObject { ["id"] = w.DomainA } } };
                probes.Add(new Probe(variant, method, "/v3/auth/tokens", null, action, Policy(target: new JsonObject { ["token"] = token }), success)
                {
                    Headers = { ["X-Subject-Token"] = subject },
                });
            }
            return probes;
        };
        add("GET", "/v3/auth/tokens", Tokens("GET", "identity:validate_token", Ok));
        add("HEAD", "/v3/auth/tokens", Tokens("HEAD", "identity:check_token", Ok));
        add("DELETE", "/v3/auth/tokens", Tokens("DELETE", "identity:revoke_token", NoContent));

        // auth.py AuthCatalogResource: enforced with an empty rule, then "A project-scoped token is required to
        // produce a service catalog." (403, not a policy denial) for any other scope.
        addGet("/v3/auth/catalog", (w, p) => Done(new Probe("catalog", "GET", "/v3/auth/catalog", null, "identity:get_auth_catalog", Policy(),
            p.Creds["project_id"] is null ? [403] : Ok)));
        addGet("/v3/auth/projects", (w, p) => Done(new Probe("projects", "GET", "/v3/auth/projects", null, "identity:get_auth_projects", Policy(), Ok)
        {
            Check = body => Task.FromResult(p.Name.StartsWith("project_", StringComparison.Ordinal)
                && !body.GetProperty("projects").EnumerateArray().Any(x => x.GetProperty("id").GetString() == w.ProjectP)
                ? "the caller's own project is missing" : null),
        }));
        addGet("/v3/auth/domains", (w, p) => Done(new Probe("domains", "GET", "/v3/auth/domains", null, "identity:get_auth_domains", Policy(), Ok)));
        addGet("/v3/auth/system", (w, p) => Done(new Probe("system", "GET", "/v3/auth/system", null, "identity:get_auth_system", Policy(), Ok)));
    }

    private static void AddDomains(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/domains.py DomainResource: get builds target.domain (_build_domain_enforcement_target); list
        // enforces with the name/enabled filters; post/patch/delete pass nothing, so the member is loaded from the
        // view arg domain_id (enforcer.py _extract_member_target_data).
        addGet("/v3/domains/{domainId}", (w, p) => Done(
            [.. new[] { ("own domain", w.DomainA), ("other domain", w.DomainB) }.Select(v => new Probe(v.Item1, "GET", $"/v3/domains/{v.Item2}", null,
                "identity:get_domain", Policy(new JsonObject { ["domain_id"] = v.Item2 }, new JsonObject { ["domain"] = Domain(v.Item2) }), Ok))]));
        addGet("/v3/domains", (w, p) => Done(new Probe("all", "GET", "/v3/domains", null, "identity:list_domains", Policy(), Ok)));
        add("POST", "/v3/domains", (w, p) => Done(new Probe("new", "POST", "/v3/domains",
            new JsonObject { ["domain"] = new JsonObject { ["name"] = PersonaWorld.Unique("dom") } }.ToJsonString(), "identity:create_domain", Policy(), Created)));
        add("PATCH", "/v3/domains/{domainId}", (w, p) => Done(
            [.. new[] { ("own domain", w.DomainA), ("other domain", w.DomainB) }.Select(v => new Probe(v.Item1, "PATCH", $"/v3/domains/{v.Item2}",
                """{"domain": {"description": "patched"}}""", "identity:update_domain",
                Policy(new JsonObject { ["domain_id"] = v.Item2 }, new JsonObject { ["domain"] = Domain(v.Item2) }), Ok))]));
        add("DELETE", "/v3/domains/{domainId}", async (w, p) =>
        {
            var id = await w.NewDisabledDomainAsync();
            var domain = Domain(id);
            domain["enabled"] = false;
            return [new Probe("disabled domain", "DELETE", $"/v3/domains/{id}", null, "identity:delete_domain",
                Policy(new JsonObject { ["domain_id"] = id }, new JsonObject { ["domain"] = domain }), NoContent)];
        });
    }

    private static void AddProjects(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/projects.py: get/patch/delete and the tag APIs build target.project
        // (_build_project_target_enforcement); list passes target {domain_id: the token's domain} for a
        // domain-scoped token and the filters; post passes target.project = the request body.
        addGet("/v3/projects/{projectId}", (w, p) => Done(
            [.. new[] { ("own project", w.ProjectP, w.DomainA), ("project in own domain", w.ProjectP2, w.DomainA), ("other domain's project", w.ProjectQ, w.DomainB) }
                .Select(v => new Probe(v.Item1, "GET", $"/v3/projects/{v.Item2}", null, "identity:get_project",
                    Policy(new JsonObject { ["project_id"] = v.Item2 }, new JsonObject { ["project"] = Project(v.Item2, v.Item3) }), Ok))]));
        addGet("/v3/projects", ListInDomain("projects", "identity:list_projects", d => new JsonObject { ["domain_id"] = d }));
        add("POST", "/v3/projects", CreateInDomain("projects", "project", "identity:create_project"));
        add("PATCH", "/v3/projects/{projectId}", (w, p) => Done(
            [.. new[] { ("project in own domain", w.ProjectP2, w.DomainA), ("other domain's project", w.ProjectQ, w.DomainB) }
                .Select(v => new Probe(v.Item1, "PATCH", $"/v3/projects/{v.Item2}", """{"project": {"description": "patched"}}""", "identity:update_project",
                    Policy(new JsonObject { ["project_id"] = v.Item2 }, new JsonObject { ["project"] = Project(v.Item2, v.Item3) }), Ok))]));
        add("DELETE", "/v3/projects/{projectId}", DeleteInDomain("projects", "project_id", "identity:delete_project", (w, d) => w.NewProjectAsync(d), (id, d) => new JsonObject { ["project"] = Project(id, d) }));

        ProbeBuilder Tags(string method, string suffix, string action, int[] success, string? body = null, bool tagFirst = false) => async (w, p) =>
        {
            var probes = new List<Probe>();
            foreach (var (variant, id, domain) in new[] { ("own project", w.ProjectP, w.DomainA), ("other domain's project", w.ProjectQ, w.DomainB) })
            {
                if (tagFirst)
                {
                    await w.Server.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Put, $"/v3/projects/{id}/tags/probe", w.Admin);
                }
                var viewArgs = new JsonObject { ["project_id"] = id };
                if (suffix.Length > 0)
                {
                    viewArgs["value"] = "probe";
                }
                probes.Add(new Probe(variant, method, $"/v3/projects/{id}/tags{suffix}", body, action,
                    Policy(viewArgs, new JsonObject { ["project"] = Project(id, domain) }), success));
            }
            return probes;
        };
        addGet("/v3/projects/{projectId}/tags", Tags("GET", "", "identity:list_project_tags", Ok));
        add("PUT", "/v3/projects/{projectId}/tags", Tags("PUT", "", "identity:update_project_tags", Ok, """{"tags": ["probe"]}"""));
        add("DELETE", "/v3/projects/{projectId}/tags", Tags("DELETE", "", "identity:delete_project_tags", NoContent));
        addGet("/v3/projects/{projectId}/tags/{tag}", Tags("GET", "/probe", "identity:get_project_tag", NoContent, tagFirst: true));
        add("PUT", "/v3/projects/{projectId}/tags/{tag}", Tags("PUT", "/probe", "identity:create_project_tag", Created));
        add("DELETE", "/v3/projects/{projectId}/tags/{tag}", Tags("DELETE", "/probe", "identity:delete_project_tag", NoContent, tagFirst: true));
    }

    private static void AddUsers(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/users.py: get/patch/delete and the user's projects and groups build target.user
        // (_build_user_target_enforcement); list passes target {domain_id: the token's domain} and the filters; post
        // passes target.user = the request body; the password change is @unenforced_api.
        static (string, string, string)[] Users(PersonaWorld w, Persona p) =>
            [("themself", p.UserId, w.DomainA), ("other user in own domain", w.UserA2, w.DomainA), ("user in other domain", w.UserB, w.DomainB)];

        ProbeBuilder OnUser(string method, string suffix, string action, int[] success, string? body = null, Func<PersonaWorld, Persona, string, Func<JsonElement, Task<string?>>?>? check = null) =>
            (w, p) => Done([.. Users(w, p).Select(v => new Probe(v.Item1, method, $"/v3/users/{v.Item2}{suffix}", body, action,
                Policy(new JsonObject { ["user_id"] = v.Item2 }, new JsonObject { ["user"] = User(v.Item2, v.Item3) }), success)
            { Check = check?.Invoke(w, p, v.Item2) })]);

        addGet("/v3/users/{userId}", OnUser("GET", "", "identity:get_user", Ok));
        addGet("/v3/users", ListInDomain("users", "identity:list_users", d => new JsonObject { ["domain_id"] = d }));
        add("POST", "/v3/users", CreateInDomain("users", "user", "identity:create_user"));
        add("PATCH", "/v3/users/{userId}", OnUser("PATCH", "", "identity:update_user", Ok, """{"user": {"description": "patched"}}"""));
        add("DELETE", "/v3/users/{userId}", DeleteInDomain("users", "user_id", "identity:delete_user", (w, d) => w.NewUserAsync(d), (id, d) => new JsonObject { ["user"] = User(id, d) }));
        add("POST", "/v3/users/{userId}/password", async (w, p) =>
        {
            // Not the persona's own password: a change revokes the persona's token, which later routes still use.
            var id = await w.NewUserAsync(w.DomainA);
            return [new Probe("knows the original password", "POST", $"/v3/users/{id}/password",
                new JsonObject { ["user"] = new JsonObject { ["original_password"] = PersonaWorld.Password, ["password"] = "Changed-Passw0rd" } }.ToJsonString(),
                null, Policy(), NoContent)];
        });
        addGet("/v3/users/{userId}/projects", OnUser("GET", "/projects", "identity:list_user_projects", Ok, check: (w, p, userId) =>
            userId == p.UserId && p.Name.StartsWith("project_", StringComparison.Ordinal)
                ? body => Task.FromResult(body.GetProperty("projects").EnumerateArray().Any(x => x.GetProperty("id").GetString() == w.ProjectP) ? null : "the caller's own project is missing")
                : null));
        addGet("/v3/users/{userId}/groups", OnUser("GET", "/groups", "identity:list_groups_for_user", Ok));
    }

    private static void AddGroups(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/groups.py: get/patch build target.group; delete loads it from the view arg; list passes
        // target {group: {domain_id: the token's domain}}; post passes target.group = the body; membership APIs build
        // target.group and target.user (UserGroupCRUDResource._build_enforcement_target_attr).
        static (string, string, string)[] Groups(PersonaWorld w) => [("group in own domain", w.GroupA, w.DomainA), ("group in other domain", w.GroupB, w.DomainB)];

        ProbeBuilder OnGroup(string method, string suffix, string action, int[] success, string? body = null) =>
            (w, p) => Done([.. Groups(w).Select(v => new Probe(v.Item1, method, $"/v3/groups/{v.Item2}{suffix}", body, action,
                Policy(new JsonObject { ["group_id"] = v.Item2 }, new JsonObject { ["group"] = Group(v.Item2, v.Item3) }), success))]);

        addGet("/v3/groups/{groupId}", OnGroup("GET", "", "identity:get_group", Ok));
        addGet("/v3/groups", ListInDomain("groups", "identity:list_groups", d => new JsonObject { ["group"] = new JsonObject { ["domain_id"] = d } }));
        add("POST", "/v3/groups", CreateInDomain("groups", "group", "identity:create_group"));
        add("PATCH", "/v3/groups/{groupId}", OnGroup("PATCH", "", "identity:update_group", Ok, """{"group": {"description": "patched"}}"""));
        add("DELETE", "/v3/groups/{groupId}", DeleteInDomain("groups", "group_id", "identity:delete_group", (w, d) => w.NewGroupAsync(d), (id, d) => new JsonObject { ["group"] = Group(id, d) }));
        addGet("/v3/groups/{groupId}/users", OnGroup("GET", "/users", "identity:list_users_in_group", Ok));

        ProbeBuilder Membership(string method, string action, int[] success, bool memberFirst, bool freshUser) => async (w, p) =>
        {
            var probes = new List<Probe>();
            foreach (var (variant, group, user, domain) in new[] { ("own domain", w.GroupA, w.UserA2, w.DomainA), ("other domain", w.GroupB, w.UserB, w.DomainB) })
            {
                var userId = freshUser ? await w.NewUserAsync(domain) : user;
                if (memberFirst)
                {
                    await w.GrantAsync($"/v3/groups/{group}/users/{userId}");
                }
                probes.Add(new Probe(variant, method, $"/v3/groups/{group}/users/{userId}", null, action,
                    Policy(new JsonObject { ["group_id"] = group, ["user_id"] = userId },
                        new JsonObject { ["group"] = Group(group, domain), ["user"] = User(userId, domain) }), success));
            }
            return probes;
        };
        add("PUT", "/v3/groups/{groupId}/users/{userId}", Membership("PUT", "identity:add_user_to_group", NoContent, memberFirst: false, freshUser: false));
        addGet("/v3/groups/{groupId}/users/{userId}", Membership("GET", "identity:check_user_in_group", NoContent, memberFirst: true, freshUser: false));
        add("DELETE", "/v3/groups/{groupId}/users/{userId}", Membership("DELETE", "identity:remove_user_from_group", NoContent, memberFirst: true, freshUser: true));
    }

    private static void AddRoles(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/roles.py: a global role is enforced as get/update/delete_role with the member loaded from the
        // view arg; a domain-specific one as *_domain_role with member_target role; list and create switch to
        // list_domain_roles / create_domain_role when a domain_id is given, with no target.
        static (string, string, string?)[] Roles(PersonaWorld w) =>
            [("global role", w.RoleGlobal, null), ("own domain's role", w.RoleDomainA, w.DomainA), ("other domain's role", w.RoleDomainB, w.DomainB)];

        static string RoleAction(string verb, string? domain) => domain is null ? $"identity:{verb}_role" : $"identity:{verb}_domain_role";

        addGet("/v3/roles/{roleId}", (w, p) => Done([.. Roles(w).Select(v => new Probe(v.Item1, "GET", $"/v3/roles/{v.Item2}", null, RoleAction("get", v.Item3),
            Policy(new JsonObject { ["role_id"] = v.Item2 }, new JsonObject { ["role"] = Role(v.Item2, v.Item3) }), Ok))]));
        addGet("/v3/roles", (w, p) => Done(
            [.. new[] { ("global roles", (string?)null), ("own domain's roles", w.DomainA), ("other domain's roles", w.DomainB) }.Select(v => new Probe(v.Item1, "GET",
                v.Item2 is null ? "/v3/roles" : $"/v3/roles?domain_id={v.Item2}", null, v.Item2 is null ? "identity:list_roles" : "identity:list_domain_roles",
                Policy(filters: v.Item2 is null ? null : new JsonObject { ["domain_id"] = v.Item2 }), Ok))]));
        add("POST", "/v3/roles", (w, p) => Done(
            [.. new[] { ("global role", (string?)null), ("own domain's role", w.DomainA), ("other domain's role", w.DomainB) }.Select(v =>
            {
                var role = new JsonObject { ["name"] = PersonaWorld.Unique("role") };
                if (v.Item2 is not null)
                {
                    role["domain_id"] = v.Item2;
                }
                return new Probe(v.Item1, "POST", "/v3/roles", new JsonObject { ["role"] = role }.ToJsonString(), RoleAction("create", v.Item2), Policy(), Created);
            })]));
        add("PATCH", "/v3/roles/{roleId}", (w, p) => Done([.. Roles(w).Select(v => new Probe(v.Item1, "PATCH", $"/v3/roles/{v.Item2}",
            """{"role": {"description": "patched"}}""", RoleAction("update", v.Item3),
            Policy(new JsonObject { ["role_id"] = v.Item2 }, new JsonObject { ["role"] = Role(v.Item2, v.Item3) }), Ok))]));
        add("DELETE", "/v3/roles/{roleId}", async (w, p) =>
        {
            var probes = new List<Probe>();
            foreach (var (variant, domain) in new[] { ("global role", (string?)null), ("own domain's role", w.DomainA), ("other domain's role", w.DomainB) })
            {
                var id = await w.NewRoleAsync(domain);
                probes.Add(new Probe(variant, "DELETE", $"/v3/roles/{id}", null, RoleAction("delete", domain),
                    Policy(new JsonObject { ["role_id"] = id }, new JsonObject { ["role"] = Role(id, domain) }), NoContent));
            }
            return probes;
        });

        // roles.py _build_enforcement_target_ref: target.prior_role and target.implied_role.
        static Probe Implied(string method, string prior, string? implied, string action, int[] success) => new(
            "implied role", method, implied is null ? $"/v3/roles/{prior}/implies" : $"/v3/roles/{prior}/implies/{implied}", null, action,
            Policy(implied is null ? new JsonObject { ["prior_role_id"] = prior } : new JsonObject { ["prior_role_id"] = prior, ["implied_role_id"] = implied },
                implied is null ? new JsonObject { ["prior_role"] = Role(prior, null) } : new JsonObject { ["prior_role"] = Role(prior, null), ["implied_role"] = Role(implied, null) }),
            success);
        add("PUT", "/v3/roles/{priorId}/implies/{impliedId}", async (w, p) =>
            [Implied("PUT", await w.NewRoleAsync(null), await w.NewRoleAsync(null), "identity:create_implied_role", Created)]);
        add("GET", "/v3/roles/{priorId}/implies/{impliedId}", (w, p) => Done(Implied("GET", w.ImpliedPrior, w.ImpliedImplied, "identity:get_implied_role", Ok)));
        // roles.py RoleImplicationResource.head: identity:check_implied_role, 204.
        add("HEAD", "/v3/roles/{priorId}/implies/{impliedId}", (w, p) => Done(Implied("HEAD", w.ImpliedPrior, w.ImpliedImplied, "identity:check_implied_role", NoContent)));
        add("DELETE", "/v3/roles/{priorId}/implies/{impliedId}", async (w, p) =>
        {
            var prior = await w.NewRoleAsync(null);
            var implied = await w.NewRoleAsync(null);
            await w.Server.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Put, $"/v3/roles/{prior}/implies/{implied}", w.Admin);
            return [Implied("DELETE", prior, implied, "identity:delete_implied_role", NoContent)];
        });
        addGet("/v3/roles/{priorId}/implies", (w, p) => Done(Implied("GET", w.ImpliedPrior, null, "identity:list_implied_roles", Ok)));
        // keystone/api/role_inferences.py: no target.
        addGet("/v3/role_inferences", (w, p) => Done(new Probe("all", "GET", "/v3/role_inferences", null, "identity:list_role_inference_rules", Policy(), Ok)));

        // keystone/api/role_assignments.py: target {domain_id: the token's domain} (list) or {project: the
        // scope.project.id project} (include_subtree), and the filters under filter_attr.
        addGet("/v3/role_assignments", (w, p) =>
        {
            var listTarget = DomainScope(p) is { } d ? new JsonObject { ["domain_id"] = d } : null;
            return Done(
                new Probe("all", "GET", "/v3/role_assignments", null, "identity:list_role_assignments", Policy(target: listTarget?.DeepClone().AsObject()), Ok),
                new Probe("own project", "GET", $"/v3/role_assignments?scope.project.id={w.ProjectP}", null, "identity:list_role_assignments",
                    Policy(target: listTarget?.DeepClone().AsObject(), filters: new JsonObject { ["scope"] = new JsonObject { ["project"] = new JsonObject { ["id"] = w.ProjectP } } }), Ok),
                new Probe("themself", "GET", $"/v3/role_assignments?user.id={p.UserId}", null, "identity:list_role_assignments",
                    Policy(target: listTarget?.DeepClone().AsObject(), filters: new JsonObject { ["user"] = new JsonObject { ["id"] = p.UserId } }), Ok),
                new Probe("own project's subtree", "GET", $"/v3/role_assignments?include_subtree=true&scope.project.id={w.ProjectP}", null,
                    "identity:list_role_assignments_for_tree",
                    Policy(target: new JsonObject { ["project"] = Project(w.ProjectP, w.DomainA) },
                        filters: new JsonObject { ["scope"] = new JsonObject { ["project"] = new JsonObject { ["id"] = w.ProjectP } } }), Ok),
                new Probe("other domain's project subtree", "GET", $"/v3/role_assignments?include_subtree=true&scope.project.id={w.ProjectQ}", null,
                    "identity:list_role_assignments_for_tree",
                    Policy(target: new JsonObject { ["project"] = Project(w.ProjectQ, w.DomainB) },
                        filters: new JsonObject { ["scope"] = new JsonObject { ["project"] = new JsonObject { ["id"] = w.ProjectQ } } }), Ok));
        });
    }

    private static void AddGrants(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/projects.py and domains.py grant resources, and os_inherit.py for the inherited forms: the
        // target holds the role, the user or group, and the project or domain; actions create/check/revoke/list_grants.
        foreach (var kind in new[] { "projects", "domains" })
        {
            foreach (var actor in new[] { "users", "groups" })
            {
                foreach (var inherited in new[] { false, true })
                {
                    string PathOf(string target, string actorId, string? role) =>
                        (inherited ? "/v3/OS-INHERIT" : "/v3") + $"/{kind}/{target}/{actor}/{actorId}/roles" + (role is null ? "" : "/" + role) + (inherited ? "/inherited_to_projects" : "");
                    var pattern = PathOf(kind == "projects" ? "{targetId}" : "{targetId}", "{actorId}", "{roleId}");
                    var listPattern = PathOf("{targetId}", "{actorId}", null);

                    ProbeBuilder Grant(string method, string action, int[] success, bool grantFirst, bool freshActor, bool withRole = true) => async (w, p) =>
                    {
                        var probes = new List<Probe>();
                        var variants = new List<(string Variant, string Domain, string Target, string? Role, string? RoleDomain)>
                        {
                            ("own domain", w.DomainA, kind == "projects" ? w.ProjectP2 : w.DomainA, w.RoleGlobal, null),
                            ("other domain", w.DomainB, kind == "projects" ? w.ProjectQ : w.DomainB, w.RoleGlobal, null),
                        };
                        if (withRole)
                        {
                            variants.Add(("own domain's role", w.DomainA, kind == "projects" ? w.ProjectP2 : w.DomainA, w.RoleDomainA, w.DomainA));
                        }
                        foreach (var (variant, domain, target, role, roleDomain) in variants)
                        {
                            var actorId = freshActor
                                ? actor == "users" ? await w.NewUserAsync(domain) : await w.NewGroupAsync(domain)
                                : actor == "users" ? (domain == w.DomainA ? w.UserA2 : w.UserB) : (domain == w.DomainA ? w.GroupA : w.GroupB);
                            if (grantFirst)
                            {
                                await w.GrantAsync(PathOf(target, actorId, role));
                            }
                            var viewArgs = new JsonObject
                            {
                                [kind == "projects" ? "project_id" : "domain_id"] = target,
                                [actor == "users" ? "user_id" : "group_id"] = actorId,
                            };
                            var policyTarget = new JsonObject
                            {
                                [actor == "users" ? "user" : "group"] = actor == "users" ? User(actorId, domain) : Group(actorId, domain),
                                [kind == "projects" ? "project" : "domain"] = kind == "projects" ? Project(target, domain) : Domain(target),
                            };
                            if (withRole)
                            {
                                viewArgs["role_id"] = role;
                                policyTarget["role"] = Role(role!, roleDomain);
                            }
                            probes.Add(new Probe(variant, method, PathOf(target, actorId, withRole ? role : null), null, action, Policy(viewArgs, policyTarget), success));
                        }
                        return probes;
                    };
                    add("PUT", pattern, Grant("PUT", "identity:create_grant", NoContent, grantFirst: false, freshActor: false));
                    addGet(pattern, Grant("GET", "identity:check_grant", NoContent, grantFirst: true, freshActor: false));
                    add("DELETE", pattern, Grant("DELETE", "identity:revoke_grant", NoContent, grantFirst: true, freshActor: true));
                    addGet(listPattern, Grant("GET", "identity:list_grants", Ok, grantFirst: false, freshActor: false, withRole: false));
                }
            }
        }

        // keystone/api/system.py _build_enforcement_target: target.role and target.user or target.group.
        foreach (var actor in new[] { "users", "groups" })
        {
            var singular = actor == "users" ? "user" : "group";
            ProbeBuilder System(string method, string verb, int[] success, bool grantFirst, bool withRole = true) => async (w, p) =>
            {
                var probes = new List<Probe>();
                foreach (var (variant, domain) in new[] { ("own domain", w.DomainA), ("other domain", w.DomainB) })
                {
                    // A fresh actor each time: the system grants of the fixture's users stay as they are.
                    var actorId = actor == "users" ? await w.NewUserAsync(domain) : await w.NewGroupAsync(domain);
                    var path = $"/v3/system/{actor}/{actorId}/roles";
                    if (grantFirst)
                    {
                        await w.GrantAsync($"{path}/{w.RoleGlobal}");
                    }
                    var viewArgs = new JsonObject { [singular + "_id"] = actorId };
                    var target = new JsonObject { [singular] = actor == "users" ? User(actorId, domain) : Group(actorId, domain) };
                    if (withRole)
                    {
                        viewArgs["role_id"] = w.RoleGlobal;
                        target["role"] = Role(w.RoleGlobal, null);
                    }
                    probes.Add(new Probe(variant, method, withRole ? $"{path}/{w.RoleGlobal}" : path, null, $"identity:{verb}_system_grant{(withRole ? "" : "s")}_for_{singular}",
                        Policy(viewArgs, target), success));
                }
                return probes;
            };
            add("PUT", $"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", System("PUT", "create", NoContent, grantFirst: false));
            addGet($"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", System("GET", "check", NoContent, grantFirst: true));
            add("DELETE", $"/v3/system/{actor}/{{actorId}}/roles/{{roleId}}", System("DELETE", "revoke", NoContent, grantFirst: true));
            addGet($"/v3/system/{actor}/{{actorId}}/roles", System("GET", "list", Ok, grantFirst: true, withRole: false));
        }
    }

    private static void AddCatalog(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/regions.py, services.py, endpoints.py: no target, only the view args.
        addGet("/v3/regions", (w, p) => Done(new Probe("all", "GET", "/v3/regions", null, "identity:list_regions", Policy(), Ok)));
        addGet("/v3/regions/{regionId}", (w, p) => Done(new Probe("region", "GET", $"/v3/regions/{w.RegionId}", null, "identity:get_region",
            Policy(new JsonObject { ["region_id"] = w.RegionId }), Ok)));
        add("POST", "/v3/regions", (w, p) => Done(new Probe("new", "POST", "/v3/regions", """{"region": {"description": "probe"}}""", "identity:create_region", Policy(), Created)));
        add("PUT", "/v3/regions/{regionId}", (w, p) =>
        {
            var id = PersonaWorld.Unique("region");
            return Done(new Probe("new with id", "PUT", $"/v3/regions/{id}", """{"region": {"description": "probe"}}""", "identity:create_region",
                Policy(new JsonObject { ["region_id"] = id }), Created));
        });
        add("PATCH", "/v3/regions/{regionId}", (w, p) => Done(new Probe("region", "PATCH", $"/v3/regions/{w.RegionId}", """{"region": {"description": "patched"}}""",
            "identity:update_region", Policy(new JsonObject { ["region_id"] = w.RegionId }), Ok)));
        add("DELETE", "/v3/regions/{regionId}", async (w, p) =>
        {
            var id = await w.NewRegionAsync();
            return [new Probe("region", "DELETE", $"/v3/regions/{id}", null, "identity:delete_region", Policy(new JsonObject { ["region_id"] = id }), NoContent)];
        });

        addGet("/v3/services", (w, p) => Done(new Probe("all", "GET", "/v3/services", null, "identity:list_services", Policy(), Ok)));
        addGet("/v3/services/{serviceId}", (w, p) => Done(new Probe("service", "GET", $"/v3/services/{w.ServiceId}", null, "identity:get_service",
            Policy(new JsonObject { ["service_id"] = w.ServiceId }), Ok)));
        add("POST", "/v3/services", (w, p) => Done(new Probe("new", "POST", "/v3/services",
            new JsonObject { ["service"] = new JsonObject { ["type"] = PersonaWorld.Unique("type") } }.ToJsonString(), "identity:create_service", Policy(), Created)));
        add("PATCH", "/v3/services/{serviceId}", (w, p) => Done(new Probe("service", "PATCH", $"/v3/services/{w.ServiceId}", """{"service": {"description": "patched"}}""",
            "identity:update_service", Policy(new JsonObject { ["service_id"] = w.ServiceId }), Ok)));
        add("DELETE", "/v3/services/{serviceId}", async (w, p) =>
        {
            var id = await w.NewServiceAsync();
            return [new Probe("service", "DELETE", $"/v3/services/{id}", null, "identity:delete_service", Policy(new JsonObject { ["service_id"] = id }), NoContent)];
        });

        addGet("/v3/endpoints", (w, p) => Done(new Probe("all", "GET", "/v3/endpoints", null, "identity:list_endpoints", Policy(), Ok)));
        addGet("/v3/endpoints/{endpointId}", (w, p) => Done(new Probe("endpoint", "GET", $"/v3/endpoints/{w.EndpointId}", null, "identity:get_endpoint",
            Policy(new JsonObject { ["endpoint_id"] = w.EndpointId }), Ok)));
        add("POST", "/v3/endpoints", (w, p) => Done(new Probe("new", "POST", "/v3/endpoints",
            new JsonObject { ["endpoint"] = new JsonObject { ["service_id"] = w.ServiceId, ["interface"] = "internal", ["url"] = "http://example.test:1/" } }.ToJsonString(),
            "identity:create_endpoint", Policy(), Created)));
        add("PATCH", "/v3/endpoints/{endpointId}", (w, p) => Done(new Probe("endpoint", "PATCH", $"/v3/endpoints/{w.EndpointId}", """{"endpoint": {"url": "http://example.test:2/"}}""",
            "identity:update_endpoint", Policy(new JsonObject { ["endpoint_id"] = w.EndpointId }), Ok)));
        add("DELETE", "/v3/endpoints/{endpointId}", async (w, p) =>
        {
            var id = await w.NewEndpointAsync();
            return [new Probe("endpoint", "DELETE", $"/v3/endpoints/{id}", null, "identity:delete_endpoint", Policy(new JsonObject { ["endpoint_id"] = id }), NoContent)];
        });
    }

    private static void AddCredentials(Action<string, string, ProbeBuilder> add, Action<string, ProbeBuilder> addGet)
    {
        // keystone/api/credentials.py: get/patch/delete build target.credential (_build_target_enforcement); post
        // passes target.credential = the body; list passes target {credential: {user_id: the caller}} unless the
        // token is system-scoped, then drops each credential get_credential would deny.
        ProbeBuilder OnCredential(string method, string action, int[] success, string? body, bool fresh) => async (w, p) =>
        {
            var own = await w.NewCredentialAsync(p.UserId);
            var other = fresh ? await w.NewCredentialAsync(w.UserB) : w.CredentialB;
            return [.. new[] { ("own credential", own, p.UserId), ("other user's credential", other, w.UserB) }.Select(v => new Probe(v.Item1, method,
                $"/v3/credentials/{v.Item2}", body, action, Policy(new JsonObject { ["credential_id"] = v.Item2 }, new JsonObject { ["credential"] = Credential(v.Item2, v.Item3) }), success))];
        };
        addGet("/v3/credentials/{credentialId}", OnCredential("GET", "identity:get_credential", Ok, null, fresh: false));
        add("PATCH", "/v3/credentials/{credentialId}", OnCredential("PATCH", "identity:update_credential", Ok, """{"credential": {"blob": "patched"}}""", fresh: false));
        add("DELETE", "/v3/credentials/{credentialId}", OnCredential("DELETE", "identity:delete_credential", NoContent, null, fresh: true));
        add("POST", "/v3/credentials", (w, p) => Done(
            [.. new[] { ("for themself", p.UserId), ("for another user", w.UserB) }.Select(v =>
            {
                var credential = new JsonObject { ["type"] = "cert", ["user_id"] = v.Item2, ["blob"] = PersonaWorld.Unique("blob") };
                return new Probe(v.Item1, "POST", "/v3/credentials", new JsonObject { ["credential"] = credential.DeepClone() }.ToJsonString(),
                    "identity:create_credential", Policy(target: new JsonObject { ["credential"] = credential }), Created);
            })]));
        addGet("/v3/credentials", async (w, p) =>
        {
            var own = await w.NewCredentialAsync(p.UserId);
            var target = SystemScoped(p) ? null : new JsonObject { ["credential"] = new JsonObject { ["user_id"] = p.UserId } };
            return [new Probe("all", "GET", "/v3/credentials", null, "identity:list_credentials", Policy(target: target), Ok)
            {
                Check = async body =>
                {
                    var listed = body.GetProperty("credentials").EnumerateArray().Select(c => (Id: c.GetProperty("id").GetString()!, UserId: c.GetProperty("user_id").GetString()!)).ToList();
                    if (!listed.Any(c => c.Id == own))
                    {
                        return "the caller's own credential is missing";
                    }
                    var allowed = await w.Oracle.AskAsync([.. listed.Select(c => new OracleCheck("identity:get_credential",
                        Policy(target: new JsonObject { ["credential"] = Credential(c.Id, c.UserId) }), p.Creds))]);
                    var shown = listed.Where((c, i) => !allowed[i]).Select(c => c.Id).ToList();
                    return shown.Count == 0 ? null : $"lists credentials Keystone's get_credential denies: {string.Join(", ", shown)}";
                },
            }];
        });
    }
}
