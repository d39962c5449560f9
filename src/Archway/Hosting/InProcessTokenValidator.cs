using System.Buffers;
using System.Text.Json;
using Archway.Identity.Catalog;
using Archway.Identity.Schema;
using Archway.Identity.Tokens;
using Archway.KeystoneAuth;

namespace Archway.Hosting;

/// <summary>
/// The auth middleware's in-process transport: when Identity runs in the same process (`archway up`, `archway
/// serve --service all`), a token is validated by Identity's own token service instead of by GET /v3/auth/tokens as
/// a service user. The answer is rendered as Keystone renders it and read as the HTTP transport reads it, so both
/// transports hand the middleware the same token. Not cacheable: a revocation takes effect at once.
/// </summary>
internal sealed class InProcessTokenValidator(TokenService tokens, IdentityDatabase database, IdentityStateCache cache) : IKeystoneTokenValidator
{
    public bool Cacheable => false;

    public async ValueTask<TokenValidation> ValidateAsync(string token, bool includeCatalog, bool allowExpired, CancellationToken cancellationToken)
    {
        try
        {
            var (model, error) = await tokens.ValidateAsync(token, allowExpired, cancellationToken);
            if (model is null)
            {
                return TokenValidation.Invalid(error?.Message ?? "invalid token");
            }
            IReadOnlyList<CatalogService>? catalog = null;
            if (includeCatalog && !model.IsUnscoped)
            {
                catalog = await ServiceCatalog.BuildAsync(database, cache, model.User.Id, model.Project?.Id, cancellationToken);
            }
            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                TokenJson.Write(writer, model, catalog);
            }
            return KeystoneTokenJson.Parse(buffer.WrittenSpan) is { } parsed
                ? TokenValidation.Valid(parsed)
                : TokenValidation.Invalid("Identity's token document could not be read");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database is down or broken: the middleware answers 503, as when Identity cannot be reached.
            return TokenValidation.Unavailable(e.Message);
        }
    }
}
