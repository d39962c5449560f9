using System.Text.Json.Nodes;
using Archway.Identity.Passwords;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Passwords;

/// <summary>
/// Live against Keystone 22's own keystone.common.password_hashing (Debian's /usr/bin/python3): hashes cross in
/// both directions, and every edge case gets the answer check_password gives.
/// </summary>
public sealed class KeystoneInteropTests(ITestOutputHelper output)
{
    private static readonly string[] Passwords =
    [
        "correct horse battery staple",
        "pässwörd-€-日本-🔑",
        "",
        "01234567890123456789012345678901234567890123456789012345678901234567890123456789",
        new string('a', 71) + "é",
    ];

    private static BcryptEngine[] Engines => PasswordHasher.NativeAvailable
        ? [BcryptEngine.LibXCrypt, BcryptEngine.BCryptNet]
        : [BcryptEngine.BCryptNet];

    [Fact]
    public async Task Keystone_hashes_verify_in_Archway()
    {
        if (!await KeystonePython.EnsureAvailableAsync(output))
        {
            return;
        }

        (string Algorithm, Func<string, JsonObject> Request)[] makers =
        [
            ("bcrypt", p => KeystonePython.KeystoneHash("bcrypt", 4, p)),
            ("pbkdf2_sha512", p => KeystonePython.KeystoneHash("pbkdf2_sha512", 1000, p)),
            ("scrypt", p => KeystonePython.KeystoneHash("scrypt", 4, p)),
            ("bcrypt_sha256", p => KeystonePython.PasslibHash("bcrypt_sha256", 4, p)),
        ];
        var cases = makers.SelectMany(m => Passwords.Select(p => (m.Algorithm, Password: p, Request: m.Request(p))))
            .Append((Algorithm: "bcrypt", Password: "correct horse battery staple",
                Request: KeystonePython.KeystoneHash("bcrypt", null, "correct horse battery staple"))) // cost 12
            .ToList();

        IReadOnlyList<PythonResult> results = await KeystonePython.RunAsync([.. cases.Select(c => c.Request)]);

        for (int i = 0; i < cases.Count; i++)
        {
            (string algorithm, string password, _) = cases[i];
            string hash = results[i].Hash;
            output.WriteLine($"{algorithm}: {hash}");
            foreach (BcryptEngine engine in Engines)
            {
                var hasher = new PasswordHasher(algorithm, null, engine);
                Assert.True(hasher.Verify(password, hash), $"{engine} rejected '{password}' for {hash}");
                Assert.False(hasher.Verify("!" + password, hash), $"{engine} accepted a wrong password for {hash}");
            }
        }
    }

    [Fact]
    public async Task Archway_hashes_verify_in_Keystone()
    {
        if (!await KeystonePython.EnsureAvailableAsync(output))
        {
            return;
        }

        var hashers = new List<(PasswordHasher Hasher, string Label)>
        {
            (new PasswordHasher("pbkdf2_sha512", 1000), "pbkdf2_sha512"),
            (new PasswordHasher("scrypt", 4), "scrypt"),
        };
        foreach (BcryptEngine engine in Engines)
        {
            hashers.Add((new PasswordHasher("bcrypt", 4, engine), $"bcrypt/{engine}"));
            hashers.Add((new PasswordHasher("bcrypt_sha256", 4, engine), $"bcrypt_sha256/{engine}"));
        }

        var checks = new List<(string Label, string Password, string Hash, bool Expected, JsonObject Request)>();
        foreach ((PasswordHasher hasher, string label) in hashers)
        {
            foreach (string password in Passwords)
            {
                string hash = hasher.Hash(password);
                checks.Add((label, password, hash, true, Check(hasher.Algorithm, password, hash)));
                checks.Add((label, "!" + password, hash, false, Check(hasher.Algorithm, "!" + password, hash)));
            }
        }

        IReadOnlyList<PythonResult> results = await KeystonePython.RunAsync([.. checks.Select(c => c.Request)]);

        for (int i = 0; i < checks.Count; i++)
        {
            (string label, string password, string hash, bool expected, _) = checks[i];
            Assert.True(results[i].Ok, $"{label}: Keystone raised {results[i].Error} for {hash}");
            Assert.True(expected == results[i].Verified, $"{label}: Keystone said {!expected} for '{password}', {hash}");
        }
    }

    [Fact]
    public async Task Edge_cases_get_Keystones_answers()
    {
        if (!await KeystonePython.EnsureAvailableAsync(output))
        {
            return;
        }

        var bcrypt = new PasswordHasher("bcrypt", 4);
        var pbkdf2 = new PasswordHasher("pbkdf2_sha512", 1000);
        string bcrypt72 = bcrypt.Hash(new string('a', 72));
        string bcryptSplit = bcrypt.Hash(new string('a', 71) + "é");
        string bcryptEmpty = bcrypt.Hash("");
        string bcryptA = bcrypt.Hash("a");
        string bcryptA72 = bcrypt.Hash("a" + new string(' ', 71));
        string pbkdf2Long = pbkdf2.Hash(new string('a', 4096));
        string pbkdf2Nul = pbkdf2.Hash("a\0b");
        string bcryptAcute = bcrypt.Hash("\u00e9");
        string hashFromDigits = pbkdf2.Hash("0123456789");

        // Configured algorithm (it decides truncation), password, hash.
        (string Algorithm, string Password, string Hash)[] cases =
        [
            ("bcrypt", new string('a', 72), bcrypt72),
            ("bcrypt", new string('a', 73), bcrypt72),
            ("bcrypt", new string('a', 71), bcrypt72),
            ("pbkdf2_sha512", new string('a', 73), bcrypt72),
            ("scrypt", new string('a', 5000), bcrypt72),
            ("bcrypt", new string('a', 71) + "è", bcryptSplit),
            ("bcrypt", new string('a', 71) + "ĉ", bcryptSplit),
            ("pbkdf2_sha512", new string('a', 71) + "è", bcryptSplit),
            ("bcrypt", "", bcryptEmpty),
            ("bcrypt", " ", bcryptEmpty),
            ("bcrypt", "\0", bcryptEmpty),
            ("bcrypt", "a\0", bcryptA),
            ("bcrypt", "a" + new string(' ', 71) + "\0", bcryptA72), // NUL past the 72-byte cut
            ("pbkdf2_sha512", "a" + new string(' ', 71) + "\0", bcryptA72), // NUL before the 4096-byte cut
            ("pbkdf2_sha512", new string('a', 4096), pbkdf2Long),
            ("pbkdf2_sha512", new string('a', 4097), pbkdf2Long),
            ("pbkdf2_sha512", new string('a', 4095), pbkdf2Long),
            ("bcrypt", new string('a', 4097), pbkdf2Long),
            ("pbkdf2_sha512", "a\0b", pbkdf2Nul),
            ("pbkdf2_sha512", "a", pbkdf2Nul),
            ("bcrypt", "e\u0301", bcryptAcute),
            ("bcrypt", "\u00e9", bcryptAcute),
            ("bcrypt", "0123456789", hashFromDigits),
            // Stray padding bits, which passlib repairs in bcrypt and refuses in a bcrypt_sha256 v2 salt.
            ("bcrypt", "a", SetPaddingBit(bcryptA, 28)),
            ("bcrypt", "a", SetPaddingBit(bcryptA, bcryptA.Length - 1)),
            .. UnreadableHashCases(),
        ];

        IReadOnlyList<PythonResult> results =
            await KeystonePython.RunAsync([.. cases.Select(c => Check(c.Algorithm, c.Password, c.Hash))]);

        var mismatches = new List<string>();
        for (int i = 0; i < cases.Length; i++)
        {
            (string algorithm, string password, string hash) = cases[i];
            bool ours = new PasswordHasher(algorithm, null).Verify(password, hash);
            string keystone = results[i].Ok ? results[i].Verified.ToString() : $"raised {results[i].Error}";
            output.WriteLine($"{algorithm,-14} {Shorten(password),-24} {Shorten(hash),-40} Keystone {keystone}, ours {ours}");
            if (ours != results[i].Verified)
            {
                mismatches.Add($"{algorithm} '{Shorten(password)}' {hash}: Keystone {keystone}, ours {ours}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task Bcrypt_sha256_edge_cases_get_passlibs_answers()
    {
        if (!await KeystonePython.EnsureAvailableAsync(output))
        {
            return;
        }

        var hasher = new PasswordHasher("bcrypt_sha256", 4);
        string hash = hasher.Hash(new string('b', 100));
        (string Password, string Hash)[] cases =
        [
            (new string('b', 100), hash),
            (new string('b', 72), hash),
            (new string('b', 100), SetPaddingBit(hash, hash.IndexOf('$', 20) + 22)), // salt's last character
            (new string('b', 100), SetPaddingBit(hash, hash.Length - 1)),
            (new string('b', 100), hash.Replace("r=4$", "r=04$", StringComparison.Ordinal)),
            (new string('b', 100), hash.Replace("v=2,", "v=1,", StringComparison.Ordinal)),
        ];

        IReadOnlyList<PythonResult> results = await KeystonePython.RunAsync(
            [.. cases.Select(c => KeystonePython.PasslibVerify("bcrypt_sha256", c.Password, c.Hash))]);

        for (int i = 0; i < cases.Length; i++)
        {
            output.WriteLine($"{cases[i].Hash}: passlib {(results[i].Ok ? results[i].Verified : results[i].Error)}");
            Assert.Equal(results[i].Verified, hasher.Verify(cases[i].Password, cases[i].Hash));
        }
    }

    [Fact]
    public async Task Hash_refuses_what_Keystone_refuses()
    {
        if (!await KeystonePython.EnsureAvailableAsync(output))
        {
            return;
        }

        // passlib's bcrypt refuses NUL (C implementations stop at it); the others take it.
        const string Password = "a\0b";
        string[] algorithms = ["bcrypt", "pbkdf2_sha512", "scrypt"];
        IReadOnlyList<PythonResult> results =
            await KeystonePython.RunAsync([.. algorithms.Select(a => KeystonePython.KeystoneHash(a, 4, Password))]);

        for (int i = 0; i < algorithms.Length; i++)
        {
            var hasher = new PasswordHasher(algorithms[i], 4);
            output.WriteLine($"{algorithms[i]}: Keystone {(results[i].Ok ? "hashed" : "raised " + results[i].Error)}");
            if (results[i].Ok)
            {
                Assert.True(hasher.Verify(Password, results[i].Hash));
                Assert.True(hasher.Verify(Password, hasher.Hash(Password)));
            }
            else
            {
                Assert.Throws<ArgumentException>(() => hasher.Hash(Password));
            }
        }
    }

    private static JsonObject Check(string algorithm, string password, string hash) =>
        algorithm == "bcrypt_sha256"
            ? KeystonePython.PasslibVerify("bcrypt_sha256", password, hash) // Keystone 22 cannot read it
            : KeystonePython.KeystoneCheck(algorithm, password, hash);

    private static IEnumerable<(string, string, string)> UnreadableHashCases()
    {
        foreach (object[] row in (IEnumerable<object[]>)PasswordHasherTests.UnreadableHashes)
        {
            yield return ("bcrypt", "correct horse battery staple", (string)row[0]);
        }
    }

    /// <summary>Sets the lowest bit of a bcrypt64 character: an unused bit in a salt's or checksum's last one.</summary>
    private static string SetPaddingBit(string hash, int index)
    {
        const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        char changed = Alphabet[Alphabet.IndexOf(hash[index], StringComparison.Ordinal) | 1];
        return hash[..index] + changed + hash[(index + 1)..];
    }

    private static string Shorten(string text)
    {
        string visible = text.Replace("\0", "\\0", StringComparison.Ordinal);
        return visible.Length <= 24 ? visible : $"{visible[..10]}…({text.Length})";
    }
}
