using System.Globalization;
using System.Security.Claims;

namespace Archway.KeystoneAuth.Caching;

/// <summary>
/// A valid token with what each request needs from it worked out once: the header values and the claims. Cached
/// as is, so that a warm request only copies references.
/// </summary>
internal sealed class ValidatedToken
{
    private ValidatedToken(KeystoneToken token, string roles, string? catalogHeader, Claim[] claims)
    {
        Token = token;
        Roles = roles;
        CatalogHeader = catalogHeader;
        Claims = claims;
    }

    public KeystoneToken Token { get; }

    /// <summary>Role names joined by commas, as in X-Roles.</summary>
    public string Roles { get; }

    /// <summary>X-Service-Catalog: null when the catalog was not asked for or the token has none.</summary>
    public string? CatalogHeader { get; }

    public Claim[] Claims { get; }

    public static ValidatedToken Create(KeystoneToken token, bool includeCatalog)
    {
        var names = new string[token.Roles.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = token.Roles[i].Name;
        }
        var catalog = includeCatalog && token.Catalog is { } services ? KeystoneTokenJson.ToV2CatalogHeader(services) : null;

        var claims = new List<Claim>(16 + names.Length)
        {
            new(KeystoneClaimTypes.UserId, token.UserId),
            new(KeystoneClaimTypes.UserName, token.UserName),
            new(KeystoneClaimTypes.UserDomainId, token.UserDomainId),
            new(KeystoneClaimTypes.UserDomainName, token.UserDomainName),
            new(KeystoneClaimTypes.IsAdminProject, token.IsAdminProject ? "True" : "False"),
            new(KeystoneClaimTypes.ExpiresAt, token.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)),
        };
        void Add(string type, string? value)
        {
            if (value is not null)
            {
                claims.Add(new Claim(type, value));
            }
        }
        Add(KeystoneClaimTypes.ProjectId, token.ProjectId);
        Add(KeystoneClaimTypes.ProjectName, token.ProjectName);
        Add(KeystoneClaimTypes.ProjectDomainId, token.ProjectDomainId);
        Add(KeystoneClaimTypes.ProjectDomainName, token.ProjectDomainName);
        Add(KeystoneClaimTypes.DomainId, token.DomainId);
        Add(KeystoneClaimTypes.DomainName, token.DomainName);
        Add(KeystoneClaimTypes.SystemScope, token.SystemScope);
        Add(KeystoneClaimTypes.ServiceCatalog, catalog);
        foreach (var name in names)
        {
            claims.Add(new Claim(KeystoneClaimTypes.Role, name));
        }
        return new ValidatedToken(token, string.Join(',', names), catalog, [.. claims]);
    }

    /// <summary>A fresh principal for one request (ClaimsIdentity is mutable, so it is never shared).</summary>
    public ClaimsPrincipal CreatePrincipal() =>
        new(new ClaimsIdentity(Claims, KeystoneClaimTypes.AuthenticationType, KeystoneClaimTypes.UserName, KeystoneClaimTypes.Role));
}
