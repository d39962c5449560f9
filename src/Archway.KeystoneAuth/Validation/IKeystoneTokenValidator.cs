namespace Archway.KeystoneAuth;

/// <summary>
/// Asks Identity about one token: the seam between the middleware and its transport. The library's own
/// implementation calls GET /v3/auth/tokens over HTTP as the service user; a host that runs Identity in the same
/// process registers its own (a singleton) that asks Identity's token service directly. Either way the middleware
/// runs the same code on the answer.
/// </summary>
public interface IKeystoneTokenValidator
{
    /// <summary>
    /// Whether the middleware may cache this validator's answers for token_cache_time. An in-process validator sees
    /// revocations at once and is cheap, so it answers false and a revoked token stops working immediately.
    /// </summary>
    bool Cacheable { get; }

    /// <summary>
    /// Validates <paramref name="token"/>. Expected outcomes are values: <see cref="TokenValidation.Valid"/>,
    /// <see cref="TokenValidation.Invalid"/> (Identity says no: 404) or <see cref="TokenValidation.Unavailable"/>
    /// (Identity could not be asked or failed; the middleware answers 503). Exceptions are for bugs.
    /// </summary>
    /// <param name="token">The token as the client sent it, surrounding whitespace removed.</param>
    /// <param name="includeCatalog">Whether the caller wants the catalog (include_service_catalog).</param>
    /// <param name="allowExpired">Accept a recently expired token (Keystone's ?allow_expired=1), for service-token calls.</param>
    /// <param name="cancellationToken">Ends the call when the host stops.</param>
    ValueTask<TokenValidation> ValidateAsync(string token, bool includeCatalog, bool allowExpired, CancellationToken cancellationToken);
}

public enum TokenValidationStatus
{
    Valid,
    Invalid,
    Unavailable,
}

/// <summary>The answer of an <see cref="IKeystoneTokenValidator"/>: a token, or why there is none.</summary>
public sealed record TokenValidation
{
    private TokenValidation(TokenValidationStatus status, KeystoneToken? token, string? reason)
    {
        Status = status;
        Token = token;
        Reason = reason;
    }

    public TokenValidationStatus Status { get; }

    /// <summary>Set when <see cref="Status"/> is <see cref="TokenValidationStatus.Valid"/>.</summary>
    public KeystoneToken? Token { get; }

    /// <summary>For logs: why the token is invalid or Identity unavailable.</summary>
    public string? Reason { get; }

    public static TokenValidation Valid(KeystoneToken token) => new(TokenValidationStatus.Valid, token, null);

    public static TokenValidation Invalid(string reason) => new(TokenValidationStatus.Invalid, null, reason);

    public static TokenValidation Unavailable(string reason) => new(TokenValidationStatus.Unavailable, null, reason);
}
