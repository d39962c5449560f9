using System.Buffers;
using System.Collections.Concurrent;
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
/// <para>
/// Every request runs every check (the key, expiry, the user's and scope's state, revocation). Only the rendering is
/// kept: the document depends on nothing but the token, the state it was validated against and the catalog source,
/// so while the token service hands back the same cached state and source objects, the token read last time is the
/// token it would read again. Identity's cache replaces those objects on every change it sees (any Identity write,
/// a revocation event from another node, [token] cache_time passing), and with caching off it never reuses them.
/// </para>
/// </summary>
internal sealed class InProcessTokenValidator(TokenService tokens, IdentityDatabase database, IdentityStateCache cache) : IKeystoneTokenValidator
{
    /// <summary>Bounds the renderings kept; a full table starts over rather than tracking recency.</summary>
    internal const int MaxRendered = 10_000;

    private readonly ConcurrentDictionary<string, Rendered> _rendered = new(StringComparer.Ordinal);

    public bool Cacheable => false;

    /// <summary>Renderings kept, for tests.</summary>
    internal int RenderedCount => _rendered.Count;

    public async ValueTask<TokenValidation> ValidateAsync(string token, bool includeCatalog, bool allowExpired, CancellationToken cancellationToken)
    {
        try
        {
            var (model, error) = await tokens.ValidateAsync(token, allowExpired, cancellationToken);
            if (model is null)
            {
                return TokenValidation.Invalid(error?.Message ?? "invalid token");
            }
            CatalogSource? source = null;
            if (includeCatalog && !model.IsUnscoped)
            {
                source = await ServiceCatalog.SourceAsync(database, cache, cancellationToken);
            }
            // No catalog source (not asked for, or an unscoped token) renders no catalog either way.
            if (_rendered.TryGetValue(token, out var kept) && ReferenceEquals(kept.State, model.State) && ReferenceEquals(kept.Catalog, source))
            {
                return TokenValidation.Valid(kept.Token);
            }
            var catalog = source is null ? null : ServiceCatalog.Render(source, model.User.Id, model.Project?.Id);
            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                TokenJson.Write(writer, model, catalog);
            }
            if (KeystoneTokenJson.Parse(buffer.WrittenSpan) is not { } parsed)
            {
                return TokenValidation.Invalid("Identity's token document could not be read");
            }
            if (cache.Enabled)
            {
                if (_rendered.Count >= MaxRendered)
                {
                    _rendered.Clear();
                }
                _rendered[token] = new Rendered(model.State, source, parsed);
            }
            return TokenValidation.Valid(parsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database is down or broken: the middleware answers 503, as when Identity cannot be reached.
            return TokenValidation.Unavailable(e.Message);
        }
    }

    /// <summary>A token as read from its document, and what that document was rendered from.</summary>
    private sealed record Rendered(TokenState State, CatalogSource? Catalog, KeystoneToken Token);
}
