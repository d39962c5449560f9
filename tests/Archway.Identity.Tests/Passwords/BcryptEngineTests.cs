using System.Text;
using Archway.Identity.Passwords;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Passwords;

/// <summary>libxcrypt and BCrypt.Net-Next must be interchangeable: each reads the other's hashes.</summary>
public sealed class BcryptEngineTests(ITestOutputHelper output)
{
    private const int Cost = 4;
    private const string BcryptFormat = @"^\$2b\$04\$[./A-Za-z0-9]{53}$";

    public static TheoryData<string> Passwords { get; } = new()
    {
        "correct horse battery staple",
        "pässwörd-€-日本-🔑",
        "",
        new string('x', 72),
        new string('y', 100), // bcrypt reads 72 bytes
        new string('a', 71) + "é", // the 72nd byte is half of 'é'
        new string('a', 70) + "🔑", // cut inside a 4-byte character
    };

    [Theory]
    [MemberData(nameof(Passwords))]
    public void LibXCrypt_hashes_verify_with_BCryptNet(string password)
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        var native = new PasswordHasher(PasswordHasher.BcryptAlgorithm, Cost, BcryptEngine.LibXCrypt);
        var managed = new PasswordHasher(PasswordHasher.BcryptAlgorithm, Cost, BcryptEngine.BCryptNet);

        string hash = native.Hash(password);

        Assert.Matches(BcryptFormat, hash);
        Assert.True(managed.Verify(password, hash));
        Assert.False(managed.Verify("!" + password, hash));
        // BCrypt.Net-Next's own Verify, on the untruncated password: bcrypt itself stops at 72 bytes.
        Assert.True(BCrypt.Net.BCrypt.Verify(password, hash));
        Assert.False(BCrypt.Net.BCrypt.Verify("!" + password, hash));
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public void BCryptNet_hashes_verify_with_LibXCrypt(string password)
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        var native = new PasswordHasher(PasswordHasher.BcryptAlgorithm, Cost, BcryptEngine.LibXCrypt);
        var managed = new PasswordHasher(PasswordHasher.BcryptAlgorithm, Cost, BcryptEngine.BCryptNet);
        string libraryHash = BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(Cost, 'b'));
        string ourManagedHash = managed.Hash(password);

        Assert.Matches(BcryptFormat, ourManagedHash);
        Assert.True(native.Verify(password, libraryHash));
        Assert.False(native.Verify("!" + password, libraryHash));
        Assert.True(native.Verify(password, ourManagedHash));
        Assert.False(native.Verify("!" + password, ourManagedHash));
    }

    [Theory]
    [InlineData('a')]
    [InlineData('y')]
    public void Other_minor_revisions_verify_on_both_engines(char revision)
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        const string Password = "pässwörd-€-日本-🔑";
        string hash = BCrypt.Net.BCrypt.HashPassword(Password, BCrypt.Net.BCrypt.GenerateSalt(Cost, revision));

        Assert.StartsWith($"$2{revision}$04$", hash, StringComparison.Ordinal);
        foreach (BcryptEngine engine in (BcryptEngine[])[BcryptEngine.LibXCrypt, BcryptEngine.BCryptNet])
        {
            var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, Cost, engine);
            Assert.True(hasher.Verify(Password, hash), $"{engine} rejected the right password");
            Assert.False(hasher.Verify("wrong", hash), $"{engine} accepted a wrong password");
        }
    }

    [Fact]
    public void Default_cost_12_hashes_verify_across_engines()
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        const string Password = "correct horse battery staple";
        var native = new PasswordHasher(); // bcrypt, Keystone's default cost
        var managed = new PasswordHasher(PasswordHasher.BcryptAlgorithm, null, BcryptEngine.BCryptNet);

        string nativeHash = native.Hash(Password);
        string managedHash = managed.Hash(Password);

        Assert.Equal(12, native.Rounds);
        Assert.StartsWith("$2b$12$", nativeHash, StringComparison.Ordinal);
        Assert.StartsWith("$2b$12$", managedHash, StringComparison.Ordinal);
        Assert.True(managed.Verify(Password, nativeHash));
        Assert.True(native.Verify(Password, managedHash));
        Assert.False(native.Verify("Correct horse battery staple", managedHash));
    }

    [Fact]
    public void Engines_compute_the_same_checksum_for_random_keys_cut_at_72_bytes()
    {
        if (!LibXCryptRequirement.IsMet(output))
        {
            return;
        }

        var random = new Random(72);
        Span<char> salt = stackalloc char[BcryptHash.SaltChars];
        Span<char> native = stackalloc char[BcryptHash.ChecksumChars];
        Span<char> managed = stackalloc char[BcryptHash.ChecksumChars];
        for (int i = 0; i < 60; i++)
        {
            // Keystone cuts bytes, not characters: most of these keys end inside a character.
            byte[] utf8 = Encoding.UTF8.GetBytes(RandomText.Create(random, maxUtf8Bytes: random.Next(0, 90)));
            ReadOnlySpan<byte> key = utf8.AsSpan(0, Math.Min(utf8.Length, BcryptHash.MaxKeyBytes));
            BcryptHash.GenerateSalt(Cost, BcryptEngine.BCryptNet, salt);

            Assert.True(BcryptHash.TryComputeChecksum(key, Cost, salt, BcryptEngine.LibXCrypt, native));
            Assert.True(BcryptHash.TryComputeChecksum(key, Cost, salt, BcryptEngine.BCryptNet, managed));
            Assert.Equal(native.ToString(), managed.ToString());
        }
    }

    [Fact]
    public void Native_availability_matches_the_platform()
    {
        // Debian and Ubuntu ship libcrypt.so.1 in an essential package; CI runs there.
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.True(PasswordHasher.NativeAvailable);
        }

        output.WriteLine($"libxcrypt available: {PasswordHasher.NativeAvailable}");
    }
}
