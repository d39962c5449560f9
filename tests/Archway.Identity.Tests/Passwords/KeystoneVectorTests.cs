using Archway.Identity.Passwords;

namespace Archway.Identity.Tests.Passwords;

/// <summary>Hashes Keystone made once, checked the way Keystone checked them (see <see cref="KeystoneVectors"/>).</summary>
public sealed class KeystoneVectorTests
{
    [Theory]
    [MemberData(nameof(KeystoneVectors.Checks), MemberType = typeof(KeystoneVectors))]
    public void Verify_gives_Keystones_answer(string algorithm, string password, bool expected, string hash)
    {
        bool bcryptBased = hash.StartsWith("$2", StringComparison.Ordinal) ||
                           hash.StartsWith("$bcrypt-sha256$", StringComparison.Ordinal);
        BcryptEngine[] engines = !bcryptBased ? [BcryptEngine.Auto]
            : PasswordHasher.NativeAvailable ? [BcryptEngine.LibXCrypt, BcryptEngine.BCryptNet]
            : [BcryptEngine.BCryptNet];

        foreach (BcryptEngine engine in engines)
        {
            var hasher = new PasswordHasher(algorithm, null, engine);
            Assert.True(expected == hasher.Verify(password, hash), $"{engine}: expected {expected}");
        }
    }
}
