namespace Archway.Identity.Policy;

/// <summary>
/// oslo.policy's GenericCheck, <c>KIND:VALUE</c>: substitute the target into VALUE, then compare it with
/// <c>str()</c> of a literal KIND (<c>True</c>, <c>None</c>, <c>'text'</c>, numbers), or with the credential at the
/// dotted path KIND, element by element when that credential is a list (<c>roles</c>).
/// </summary>
internal sealed class GenericCheck : PolicyCheck
{
    private readonly string _kind;
    private readonly string _match;
    private readonly MatchTemplate _template;
    private readonly string? _literal;
    private readonly CredentialAttribute _attribute;

    /// <param name="kind">The text before the first ':'.</param>
    /// <param name="match">The text after it.</param>
    /// <param name="template">The compiled <paramref name="match"/>.</param>
    /// <param name="literal"><c>str(ast.literal_eval(kind))</c>, or null when the kind is a credential path.</param>
    /// <param name="attribute">The credential the path names, when <paramref name="literal"/> is null.</param>
    public GenericCheck(string kind, string match, MatchTemplate template, string? literal, CredentialAttribute attribute)
    {
        _kind = kind;
        _match = match;
        _template = template;
        _literal = literal;
        _attribute = attribute;
    }

    public override bool Evaluate(in PolicyCredentials credentials, IReadOnlyDictionary<string, object?> target)
    {
        if (!_template.TryResolve(target, out var text))
        {
            return false;
        }

        if (_literal is not null)
        {
            return Same(_literal, text);
        }

        var scope = credentials.RenderedScope;
        return _attribute switch
        {
            CredentialAttribute.UserId or CredentialAttribute.TokenUserId => SameOrNone(credentials.UserId, text),
            CredentialAttribute.UserDomainId or CredentialAttribute.TokenUserDomainId => SameOrNone(credentials.UserDomainId, text),
            CredentialAttribute.SystemScope => SameOrNone(credentials.SystemScope, text),
            CredentialAttribute.DomainId => SameOrNone(NullIfEmpty(credentials.DomainId), text),
            CredentialAttribute.ProjectId => SameOrNone(credentials.ProjectId, text),
            CredentialAttribute.ProjectDomainId => SameOrNone(credentials.ProjectDomainId, text),
            CredentialAttribute.Roles => Any(credentials.Roles, text),
            CredentialAttribute.IsAdminProject => Same(credentials.IsAdminProject ? PythonText.True : PythonText.False, text),
            CredentialAttribute.ServiceUserId => SameOrNone(credentials.ServiceUserId, text),
            CredentialAttribute.ServiceUserDomainId => SameOrNone(credentials.ServiceUserDomainId, text),
            CredentialAttribute.ServiceProjectId => SameOrNone(credentials.ServiceProjectId, text),
            CredentialAttribute.ServiceProjectDomainId => SameOrNone(credentials.ServiceProjectDomainId, text),
            CredentialAttribute.ServiceRoles => Any(credentials.ServiceRoles, text),
            CredentialAttribute.System => !string.IsNullOrEmpty(credentials.SystemScope) && Same(credentials.SystemScope, text),
            CredentialAttribute.IsAdmin => credentials.IsAdmin is { } isAdmin && Same(isAdmin ? PythonText.True : PythonText.False, text),
            CredentialAttribute.TokenUserName => Present(credentials.UserName, text),
            CredentialAttribute.TokenUserDomainName => Present(credentials.UserDomainName, text),
            CredentialAttribute.TokenProjectId => scope == PolicyScopes.Project && SameOrNone(credentials.ProjectId, text),
            CredentialAttribute.TokenProjectName => scope == PolicyScopes.Project && Present(credentials.ProjectName, text),
            CredentialAttribute.TokenProjectDomainId => scope == PolicyScopes.Project && SameOrNone(credentials.ProjectDomainId, text),
            CredentialAttribute.TokenProjectDomainName => scope == PolicyScopes.Project && Present(credentials.ProjectDomainName, text),
            CredentialAttribute.TokenDomainId => scope == PolicyScopes.Domain && SameOrNone(credentials.DomainId, text),
            CredentialAttribute.TokenDomainName => scope == PolicyScopes.Domain && Present(credentials.DomainName, text),
            CredentialAttribute.TokenSystemAll => scope == PolicyScopes.System && Same(PythonText.True, text),
            CredentialAttribute.TokenRoleNames => scope != PolicyScopes.None && Any(credentials.Roles, text),
            _ => false,
        };
    }

    public override string ToString() => $"{_kind}:{_match}";

    private static bool Same(string value, string text) => string.Equals(value, text, StringComparison.Ordinal);

    /// <summary><c>str(value) == text</c> where a null value is Python's None.</summary>
    private static bool SameOrNone(string? value, string text) => Same(value ?? PythonText.None, text);

    /// <summary>A value Archway may not know (a name): absent when null, so the check fails.</summary>
    private static bool Present(string? value, string text) => value is not null && Same(value, text);

    /// <summary>Keystone's to_policy_values turns an empty domain_id into None.</summary>
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool Any(IReadOnlyList<string> values, string text)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (Same(values[i], text))
            {
                return true;
            }
        }

        return false;
    }
}
