using System.Security.Cryptography;
using Archway.Identity.Schema;
using LinqToDB;
using LinqToDB.Async;

namespace Archway.Identity.Credentials;

/// <summary>
/// keystone-manage credential_migrate and the guard of credential_rotate (keystone/cmd/cli.py): a credential whose
/// key_hash is not the primary key's is re-encrypted with the primary key, so that a later rotation may drop the key
/// it was encrypted with; and a rotation is refused while any credential still needs an older key.
/// </summary>
internal static class CredentialMigration
{
    /// <summary>Keystone's message when credential_rotate finds a credential not encrypted with the primary key.</summary>
    public const string RotateRefused = "Unable to rotate credential keys because not all credentials are encrypted with the primary key. " +
        "Please make sure all credentials have been encrypted with the primary key using `archway credential migrate`.";

    /// <summary>How many credentials are encrypted with a key other than the current primary.</summary>
    public static async Task<int> CountNotOnPrimaryAsync(IdentityDatabase database, CredentialCipher cipher, CancellationToken cancellationToken)
    {
        if (database.Database.Version().Applied == 0)
        {
            // No schema yet (`archway db sync` not run): no credential can need an older key.
            return 0;
        }
        var primary = cipher.LoadKeys().PrimaryKeyHash;
        await using var db = database.Open();
        return await db.GetTable<CredentialRecord>().CountAsync(c => c.KeyHash != primary, cancellationToken);
    }

    /// <summary>
    /// Re-encrypts every credential not on the primary key with it; returns how many. All of them are decrypted
    /// first, so a blob no key opens stops the migration before anything is written.
    /// </summary>
    /// <exception cref="CryptographicException">A credential's blob cannot be decrypted with any key of the repository.</exception>
    public static async Task<int> MigrateAsync(IdentityDatabase database, CredentialCipher cipher, CancellationToken cancellationToken)
    {
        var keys = cipher.LoadKeys();
        await using var db = database.Open();
        var stale = await db.GetTable<CredentialRecord>().Where(c => c.KeyHash != keys.PrimaryKeyHash).ToListAsync(cancellationToken);
        var reencrypted = new List<(CredentialRecord Credential, string Blob)>(stale.Count);
        foreach (var credential in stale)
        {
            string plaintext;
            try
            {
                plaintext = keys.Decrypt(credential.EncryptedBlob);
            }
            catch (CryptographicException e)
            {
                throw new CryptographicException($"credential {credential.Id} cannot be decrypted with any key in the credential key repository", e);
            }
            reencrypted.Add((credential, keys.Encrypt(plaintext)));
        }
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        foreach (var (credential, blob) in reencrypted)
        {
            // Only the blob as it was read: an update meanwhile has already encrypted it with the primary key.
            await db.GetTable<CredentialRecord>()
                .Where(c => c.Id == credential.Id && c.EncryptedBlob == credential.EncryptedBlob)
                .Set(c => c.EncryptedBlob, blob)
                .Set(c => c.KeyHash, keys.PrimaryKeyHash)
                .UpdateAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return reencrypted.Count;
    }
}
