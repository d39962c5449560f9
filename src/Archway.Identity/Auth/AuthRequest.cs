using System.Text.Json;
using Archway.Identity.Http;

namespace Archway.Identity.Auth;

/// <summary>A name or id reference with an optional domain, as in <c>{"name": "admin", "domain": {"name": "Default"}}</c>.</summary>
internal sealed record NamedRef(string? Id, string? Name, NamedRef? Domain);

internal enum ScopeKind
{
    /// <summary>No scope given: the user's default project when usable, else unscoped.</summary>
    Default,
    Unscoped,
    Project,
    Domain,
    System,
}

internal sealed record ScopeRequest(ScopeKind Kind, NamedRef? Target = null);

/// <summary>The body of POST /v3/auth/tokens, checked against Keystone's token_issue schema.</summary>
internal sealed record AuthRequest(
    IReadOnlyList<string> Methods,
    NamedRef? PasswordUser,
    string? Password,
    string? TokenId,
    ScopeRequest Scope)
{
    /// <summary>Parses and validates the request, returning Keystone's 400 wording for the first violation.</summary>
    public static AuthRequest? Parse(JsonElement root, out IdentityError? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = SchemaError("", $"{Describe(root)} is not of type 'object'");
            return null;
        }
        if (!root.TryGetProperty("auth", out var auth))
        {
            error = IdentityError.Validation("auth", "request body");
            return null;
        }
        if (auth.ValueKind != JsonValueKind.Object)
        {
            error = SchemaError("", $"{Describe(auth)} is not of type 'object'");
            return null;
        }
        if (!auth.TryGetProperty("identity", out var identity))
        {
            error = SchemaError("", "'identity' is a required property");
            return null;
        }
        if (!ExpectObject(identity, "identity", out error))
        {
            return null;
        }
        if (!identity.TryGetProperty("methods", out var methodsElement))
        {
            error = SchemaError("identity", "'methods' is a required property");
            return null;
        }
        if (methodsElement.ValueKind != JsonValueKind.Array)
        {
            error = SchemaError("identity/methods", $"{Describe(methodsElement)} is not of type 'array'");
            return null;
        }
        var methods = new List<string>();
        var index = 0;
        foreach (var method in methodsElement.EnumerateArray())
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                error = SchemaError($"identity/methods/{index}", $"{Describe(method)} is not of type 'string'");
                return null;
            }
            methods.Add(method.GetString()!);
            index++;
        }

        NamedRef? user = null;
        string? password = null;
        if (identity.TryGetProperty("password", out var passwordSection))
        {
            if (!ExpectObject(passwordSection, "identity/password", out error))
            {
                return null;
            }
            if (passwordSection.TryGetProperty("user", out var userElement))
            {
                user = ParseRef(userElement, "identity/password/user", out error, extraString: "password");
                if (error is not null)
                {
                    return null;
                }
                if (user!.Id is null && user.Name is null)
                {
                    error = IdentityError.BadRequest("Invalid input for field identity/password/user: id or name must be present.");
                    return null;
                }
                if (userElement.TryGetProperty("password", out var passwordElement))
                {
                    password = passwordElement.GetString();
                }
            }
        }

        string? tokenId = null;
        if (identity.TryGetProperty("token", out var tokenSection))
        {
            if (!ExpectObject(tokenSection, "identity/token", out error))
            {
                return null;
            }
            if (!tokenSection.TryGetProperty("id", out var tokenIdElement))
            {
                error = SchemaError("identity/token", "'id' is a required property");
                return null;
            }
            if (tokenIdElement.ValueKind != JsonValueKind.String)
            {
                error = SchemaError("identity/token/id", $"{Describe(tokenIdElement)} is not of type 'string'");
                return null;
            }
            tokenId = tokenIdElement.GetString();
        }

        var scope = new ScopeRequest(ScopeKind.Default);
        if (auth.TryGetProperty("scope", out var scopeElement))
        {
            scope = ParseScope(scopeElement, out error)!;
            if (error is not null)
            {
                return null;
            }
        }
        return new AuthRequest(methods, user, password, tokenId, scope);
    }

    private static ScopeRequest? ParseScope(JsonElement scope, out IdentityError? error)
    {
        error = null;
        if (scope.ValueKind == JsonValueKind.String)
        {
            // keystoneauth sends "scope": "unscoped" for explicitly unscoped tokens.
            if (scope.GetString() == "unscoped")
            {
                return new ScopeRequest(ScopeKind.Unscoped);
            }
            error = IdentityError.Validation("system, project, domain, OS-TRUST:trust or unscoped", "scope");
            return null;
        }
        if (scope.ValueKind != JsonValueKind.Object)
        {
            error = SchemaError("scope", $"{Describe(scope)} is not of type 'object', 'string'");
            return null;
        }
        var kinds = 0;
        foreach (var property in scope.EnumerateObject())
        {
            if (property.Name is "project" or "domain" or "unscoped" or "system" or "OS-TRUST:trust")
            {
                kinds++;
            }
        }
        if (kinds != 1)
        {
            error = IdentityError.Validation("system, project, domain, OS-TRUST:trust or unscoped", "scope");
            return null;
        }
        if (scope.TryGetProperty("project", out var project))
        {
            var target = ParseRef(project, "scope/project", out error);
            if (error is not null)
            {
                return null;
            }
            if (target!.Id is null && target.Name is null)
            {
                error = IdentityError.BadRequest("Invalid input for field scope/project: id or name must be present.");
                return null;
            }
            return new ScopeRequest(ScopeKind.Project, target);
        }
        if (scope.TryGetProperty("domain", out var domain))
        {
            var target = ParseRef(domain, "scope/domain", out error, allowDomain: false);
            if (error is not null)
            {
                return null;
            }
            if (target!.Id is null && target.Name is null)
            {
                error = IdentityError.BadRequest("Invalid input for field scope/domain: id or name must be present.");
                return null;
            }
            return new ScopeRequest(ScopeKind.Domain, target);
        }
        if (scope.TryGetProperty("system", out var system))
        {
            if (!ExpectObject(system, "scope/system", out error))
            {
                return null;
            }
            if (!system.TryGetProperty("all", out var all) || all.ValueKind != JsonValueKind.True)
            {
                if (system.TryGetProperty("all", out all) && all.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = SchemaError("scope/system/all", $"{Describe(all)} is not of type 'boolean'");
                    return null;
                }
                error = IdentityError.Validation("system", "scope");
                return null;
            }
            return new ScopeRequest(ScopeKind.System);
        }
        if (scope.TryGetProperty("unscoped", out _))
        {
            return new ScopeRequest(ScopeKind.Unscoped);
        }
        // OS-TRUST:trust: trusts are not implemented.
        error = IdentityError.Forbidden("Trusts are not supported by this deployment.");
        return null;
    }

    private static NamedRef? ParseRef(JsonElement element, string path, out IdentityError? error, bool allowDomain = true, string? extraString = null)
    {
        if (!ExpectObject(element, path, out error))
        {
            return null;
        }
        string? id = null, name = null;
        NamedRef? domain = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id" or "name":
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        error = SchemaError($"{path}/{property.Name}", $"{Describe(property.Value)} is not of type 'string'");
                        return null;
                    }
                    if (property.Name == "id")
                    {
                        id = property.Value.GetString();
                    }
                    else
                    {
                        name = property.Value.GetString();
                    }
                    break;
                case "domain" when allowDomain:
                    domain = ParseRef(property.Value, path + "/domain", out error, allowDomain: false);
                    if (error is not null)
                    {
                        return null;
                    }
                    if (domain!.Id is null && domain.Name is null)
                    {
                        error = IdentityError.BadRequest($"Invalid input for field {path}/domain: id or name must be present.");
                        return null;
                    }
                    break;
                default:
                    if (property.Name == extraString && property.Value.ValueKind != JsonValueKind.String)
                    {
                        error = SchemaError($"{path}/{property.Name}", $"{Describe(property.Value)} is not of type 'string'");
                        return null;
                    }
                    break;
            }
        }
        return new NamedRef(id, name, domain);
    }

    private static bool ExpectObject(JsonElement element, string path, out IdentityError? error)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            error = null;
            return true;
        }
        error = SchemaError(path, $"{Describe(element)} is not of type 'object'");
        return false;
    }

    /// <summary>Keystone's SchemaValidationError text: "Invalid input for field 'path': message".</summary>
    private static IdentityError SchemaError(string path, string message) => IdentityError.Schema(path, message);

    private static string Describe(JsonElement element) => JsonSchemaText.Describe(element);
}
