namespace Archway.KeystoneAuth.Caching;

/// <summary>
/// A token cache shared between processes (the role memcached plays for keystonemiddleware). Values are Keystone's
/// token JSON; keys are already hashed. Implementations swallow their own failures: a broken shared cache is a miss.
/// </summary>
internal interface ISharedTokenCache
{
    /// <summary>The cached value and how long it has left; null on a miss or a failure.</summary>
    Task<(byte[] Value, TimeSpan TimeToLive)?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);
}
