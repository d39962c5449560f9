using Archway.Data.Configuration;
using Archway.Data.Database;

namespace Archway.Identity.Config;

/// <summary>
/// The Identity service's configuration, read from a keystone.conf-form file with Keystone's own option names.
/// Relative paths and default locations resolve under the data directory.
/// </summary>
public sealed record KeystoneOptions
{
    public required DatabaseUrl Database { get; init; }

    /// <summary>[token] expiration: seconds a token lives (Keystone's default 3600).</summary>
    public int TokenExpiration { get; init; } = 3600;

    /// <summary>[token] allow_expired_window: seconds past expiry that ?allow_expired=1 still accepts (default 2 days).</summary>
    public int AllowExpiredWindow { get; init; } = 172800;

    /// <summary>[token] allow_rescope_scoped_token.</summary>
    public bool AllowRescopeScopedToken { get; init; } = true;

    /// <summary>[token] caching: keep what validation reads from the database in memory (see IdentityStateCache).</summary>
    public bool TokenCaching { get; init; } = true;

    /// <summary>
    /// [token] cache_time: seconds a cached token state may serve before it is re-read. Writes in this process and
    /// revocation events from any process clear the cache at once; this bounds only what another process changes
    /// without an event (a role granted, a name changed). Keystone's own default falls back to [cache] expiration_time.
    /// </summary>
    public int TokenCacheTime { get; init; } = 30;

    /// <summary>[fernet_tokens] key_repository.</summary>
    public required string FernetKeyRepository { get; init; }

    /// <summary>[fernet_tokens] max_active_keys (including the staged key 0).</summary>
    public int FernetMaxActiveKeys { get; init; } = 3;

    /// <summary>[credential] key_repository.</summary>
    public required string CredentialKeyRepository { get; init; }

    /// <summary>[credential] max_active_keys: credential_rotate keeps this many keys.</summary>
    public int CredentialMaxActiveKeys { get; init; } = 3;

    /// <summary>[identity] password_hash_algorithm.</summary>
    public string PasswordHashAlgorithm { get; init; } = "bcrypt";

    /// <summary>[identity] password_hash_rounds; null means the algorithm's default (bcrypt: 12).</summary>
    public int? PasswordHashRounds { get; init; }

    /// <summary>[identity] default_domain_id.</summary>
    public string DefaultDomainId { get; init; } = "default";

    /// <summary>[identity] max_password_length (Keystone's default 4096).</summary>
    public int MaxPasswordLength { get; init; } = 4096;

    /// <summary>[auth] methods: their order is the bit order of the method mask inside Fernet tokens.</summary>
    public IReadOnlyList<string> AuthMethods { get; init; } = DefaultAuthMethods;

    /// <summary>[DEFAULT] public_endpoint: the base URL clients see; null means the request's own host.</summary>
    public string? PublicEndpoint { get; init; }

    /// <summary>[oslo_middleware] max_request_body_size in bytes (oslo.middleware's default 114688).</summary>
    public int MaxRequestBodySize { get; init; } = 114688;

    /// <summary>[resource] list_limit / [DEFAULT] list_limit: null means unlimited.</summary>
    public int? ListLimit { get; init; }

    /// <summary>[oslo_policy] enforce_scope: a token of the wrong scope for a rule is denied (Zed default false).</summary>
    public bool EnforceScope { get; init; }

    /// <summary>[oslo_policy] enforce_new_defaults: drop the deprecated rules OR'd into each default (Zed default false).</summary>
    public bool EnforceNewDefaults { get; init; }

    /// <summary>[oslo_policy] policy_file: the operator's overrides (YAML or JSON); relative to the config directory.</summary>
    public string? PolicyFile { get; init; }

    /// <summary>[catalog] list_limit / [DEFAULT] list_limit: services and endpoints a list returns; null means unlimited.</summary>
    public int? CatalogListLimit { get; init; }

    /// <summary>[credential] user_limit: credentials one user may have; -1 (Keystone's default) means unlimited.</summary>
    public int CredentialUserLimit { get; init; } = -1;

    /// <summary>[security_compliance]: Keystone's PCI-DSS options; every one off by default.</summary>
    public SecurityCompliance Security { get; init; } = new();

    public static IReadOnlyList<string> DefaultAuthMethods { get; } =
        ["external", "password", "token", "oauth1", "mapped", "application_credential"];

    /// <summary>oslo.policy looks for policy.yaml by default and is content when it is absent; so are we.</summary>
    private static string? PolicyFilePath(OptionReader reader, string dataDirectory)
    {
        var configured = reader.Raw("oslo_policy", "policy_file");
        var path = Path.GetFullPath(Path.Combine(dataDirectory, configured?.Value ?? "policy.yaml"));
        if (configured is not null && !File.Exists(path))
        {
            reader.Problem(configured, $"names a file that does not exist ({path})");
            return null;
        }
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Reads every Identity option, reporting all invalid values at once.
    /// </summary>
    public static KeystoneOptions Read(OptionReader reader, string dataDirectory)
    {
        string InData(string path) => Path.GetFullPath(Path.Combine(dataDirectory, path));

        var database = DatabaseUrl.Read(reader, "sqlite:///keystone.db", dataDirectory);

        var provider = reader.Raw("token", "provider");
        if (provider is not null && provider.Value != "fernet")
        {
            reader.Problem(provider, "is not supported: Archway issues Fernet tokens (provider = fernet)");
        }
        reader.String("token", "cache_on_issue", "true");
        reader.String("token", "revoke_by_id", "true");

        var hashAlgorithm = reader.Choice("identity", "password_hash_algorithm", "bcrypt",
            "bcrypt", "bcrypt_sha256", "pbkdf2_sha512", "scrypt");
        var defaultListLimit = reader.OptionalInt("DEFAULT", "list_limit", min: 1);
        var options = new KeystoneOptions
        {
            Database = database!,
            TokenExpiration = reader.Int("token", "expiration", 3600, min: 0, max: 9_999_999),
            AllowExpiredWindow = reader.Int("token", "allow_expired_window", 172800, min: 0),
            AllowRescopeScopedToken = reader.Bool("token", "allow_rescope_scoped_token", true),
            TokenCaching = reader.Bool("token", "caching", true),
            TokenCacheTime = reader.Int("token", "cache_time", 30, min: 0),
            FernetKeyRepository = InData(reader.String("fernet_tokens", "key_repository", "fernet-keys")),
            FernetMaxActiveKeys = reader.Int("fernet_tokens", "max_active_keys", 3, min: 1),
            CredentialKeyRepository = InData(reader.String("credential", "key_repository", "credential-keys")),
            CredentialMaxActiveKeys = reader.Int("credential", "max_active_keys", 3, min: 1),
            PasswordHashAlgorithm = hashAlgorithm,
            PasswordHashRounds = reader.OptionalInt("identity", "password_hash_rounds", min: 4),
            DefaultDomainId = reader.String("identity", "default_domain_id", "default"),
            MaxPasswordLength = reader.Int("identity", "max_password_length", 4096, min: 1),
            AuthMethods = reader.List("auth", "methods", DefaultAuthMethods),
            PublicEndpoint = reader.OptionalString("DEFAULT", "public_endpoint")?.TrimEnd('/'),
            MaxRequestBodySize = reader.Int("oslo_middleware", "max_request_body_size", 114688, min: 1),
            ListLimit = reader.OptionalInt("resource", "list_limit", min: 1) ?? defaultListLimit,
            CatalogListLimit = reader.OptionalInt("catalog", "list_limit", min: 1) ?? defaultListLimit,
            CredentialUserLimit = reader.Int("credential", "user_limit", -1, min: -1),
        };
        options = options with
        {
            Security = SecurityCompliance.Read(reader),
            EnforceScope = reader.Bool("oslo_policy", "enforce_scope", false),
            EnforceNewDefaults = reader.Bool("oslo_policy", "enforce_new_defaults", false),
            PolicyFile = PolicyFilePath(reader, dataDirectory),
        };
        if (options.PasswordHashAlgorithm == "bcrypt" && options.PasswordHashRounds is > 31)
        {
            reader.Problem(reader.Raw("identity", "password_hash_rounds")!, "must be between 4 and 31 for bcrypt");
        }
        var credentialProvider = reader.Raw("credential", "provider");
        if (credentialProvider is not null && credentialProvider.Value != "fernet")
        {
            reader.Problem(credentialProvider, "is not supported: credentials are encrypted with Fernet keys (provider = fernet)");
        }
        return options;
    }
}
