using System.Text;
using Archway.Identity.Passwords;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Passwords;

public sealed class Sha512CryptHashTests(ITestOutputHelper output)
{
    // Drepper's SHA-crypt specification vectors (salts over 16 characters are cut, as the stored hashes show).
    [Theory]
    [InlineData("Hello world!",
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
    [InlineData("Hello world!",
        "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.")]
    [InlineData("This is just a test",
        "$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0")]
    [InlineData("a very much longer text to encrypt.  This one even stretches over morethan one line.",
        "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1")]
    [InlineData("we have a short salt string but not a short password",
        "$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0")]
    public void Verify_accepts_the_specification_vectors(string password, string hash)
    {
        // Not "bcrypt": Keystone would cut the 84-byte password at 72 bytes first.
        var hasher = new PasswordHasher(PasswordHasher.Pbkdf2Sha512Algorithm);

        Assert.True(hasher.Verify(password, hash));
        Assert.False(hasher.Verify(password + ".", hash));
    }

    [Fact]
    public void Verify_refuses_rounds_below_1000_as_passlib_does()
    {
        // libxcrypt would clamp rounds=999 to 1000; passlib refuses the hash.
        const string Hash =
            "$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.";
        var hasher = new PasswordHasher();

        Assert.True(hasher.Verify("the minimum number is still observed", Hash));
        Assert.False(hasher.Verify("the minimum number is still observed", Hash.Replace("=1000$", "=999$")));
    }

    [Fact]
    public void Managed_sha512_crypt_matches_libxcrypt()
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        var random = new Random(20240601);
        const string SaltChars = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<char> native = stackalloc char[256];
        Span<char> managed = stackalloc char[86];
        for (int i = 0; i < 40; i++)
        {
            // Up to 300 bytes covers every branch of the key-length loops (64-byte blocks); libxcrypt stops at 511.
            byte[] key = Encoding.UTF8.GetBytes(RandomText.Create(random, maxUtf8Bytes: random.Next(0, 300)));
            string salt = new([.. Enumerable.Range(0, random.Next(0, 17)).Select(_ => SaltChars[random.Next(64)])]);
            int rounds = 1000 + random.Next(0, 2000);
            string setting = $"$6$rounds={rounds}${salt}";

            int length = LibXCrypt.Crypt(key, setting, native);
            Sha512CryptHash.Compute(key, Encoding.ASCII.GetBytes(salt), rounds, managed);

            Assert.Equal(native[..length].ToString(), setting + "$" + managed.ToString());
        }
    }
}
