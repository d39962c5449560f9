using Archway.Identity.Passwords;

namespace Archway.Identity.Tests.Passwords;

public sealed class PasswordHasherTests
{
    // Low costs keep the suite fast; the default-cost path is covered in BcryptEngineTests.
    public static TheoryData<string, int> FastAlgorithms { get; } = new()
    {
        { PasswordHasher.BcryptAlgorithm, 4 },
        { PasswordHasher.BcryptSha256Algorithm, 4 },
        { PasswordHasher.Pbkdf2Sha512Algorithm, 1000 },
        { PasswordHasher.ScryptAlgorithm, 4 },
    };

    [Theory]
    [InlineData(PasswordHasher.BcryptAlgorithm, 12, 72)]
    [InlineData(PasswordHasher.BcryptSha256Algorithm, 12, 4096)]
    [InlineData(PasswordHasher.Pbkdf2Sha512Algorithm, 25000, 4096)]
    [InlineData(PasswordHasher.ScryptAlgorithm, 16, 4096)]
    public void Defaults_are_Keystones(string algorithm, int rounds, int maxPasswordBytes)
    {
        var unset = new PasswordHasher(algorithm);
        var zero = new PasswordHasher(algorithm, 0); // Keystone: "if CONF.identity.password_hash_rounds:"

        Assert.Equal(rounds, unset.Rounds);
        Assert.Equal(rounds, zero.Rounds);
        Assert.Equal(maxPasswordBytes, unset.MaxPasswordBytes);
    }

    [Theory]
    [InlineData("sha512_crypt")] // Keystone reads it but cannot be configured to write it
    [InlineData("argon2")]
    [InlineData("BCRYPT")]
    [InlineData("")]
    public void Unknown_algorithms_are_refused(string algorithm)
    {
        Assert.Throws<ArgumentException>(() => new PasswordHasher(algorithm));
    }

    [Theory]
    [InlineData(PasswordHasher.BcryptAlgorithm, 3)]
    [InlineData(PasswordHasher.BcryptAlgorithm, 32)]
    [InlineData(PasswordHasher.BcryptSha256Algorithm, 3)]
    [InlineData(PasswordHasher.Pbkdf2Sha512Algorithm, -1)]
    [InlineData(PasswordHasher.ScryptAlgorithm, 21)] // 2 GiB per hash
    public void Rounds_out_of_range_are_refused(string algorithm, int rounds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(algorithm, rounds));
    }

    [Theory]
    [InlineData(PasswordHasher.BcryptAlgorithm, 4, @"^\$2b\$04\$[./A-Za-z0-9]{53}$")]
    [InlineData(PasswordHasher.BcryptSha256Algorithm, 4,
        @"^\$bcrypt-sha256\$v=2,t=2b,r=4\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{31}$")]
    [InlineData(PasswordHasher.Pbkdf2Sha512Algorithm, 1000, @"^\$pbkdf2-sha512\$1000\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{86}$")]
    [InlineData(PasswordHasher.ScryptAlgorithm, 4, @"^\$scrypt\$ln=4,r=8,p=1\$[+/A-Za-z0-9]{22}\$[+/A-Za-z0-9]{43}$")]
    public void Hash_writes_the_format_Keystone_stores(string algorithm, int rounds, string pattern)
    {
        Assert.Matches(pattern, new PasswordHasher(algorithm, rounds).Hash("correct horse battery staple"));
    }

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void Hash_then_Verify_round_trips_and_rejects_other_passwords(string algorithm, int rounds)
    {
        var hasher = new PasswordHasher(algorithm, rounds);
        string[] passwords = ["correct horse battery staple", "pässwörd-€-日本-🔑", "", " ", "e\u0301"];

        foreach (string password in passwords)
        {
            string hash = hasher.Hash(password);
            Assert.True(hasher.Verify(password, hash), $"'{password}' did not verify");
            foreach (string other in passwords.Where(p => p != password))
            {
                Assert.False(hasher.Verify(other, hash), $"'{other}' verified against the hash of '{password}'");
            }
        }
    }

    [Fact]
    public void Unicode_is_not_normalized()
    {
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);

        string hash = hasher.Hash("\u00e9"); // é, precomposed

        Assert.False(hasher.Verify("e\u0301", hash)); // e + combining acute
    }

    [Theory]
    [MemberData(nameof(FastAlgorithms))]
    public void Every_hash_gets_a_fresh_salt(string algorithm, int rounds)
    {
        var hasher = new PasswordHasher(algorithm, rounds);

        string first = hasher.Hash("same password");
        string second = hasher.Hash("same password");

        Assert.NotEqual(first, second);
        Assert.True(hasher.Verify("same password", second));
    }

    [Fact]
    public void Bcrypt_cuts_passwords_at_72_bytes()
    {
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);

        string hash = hasher.Hash(new string('a', 72));

        Assert.True(hasher.Verify(new string('a', 73), hash));
        Assert.True(hasher.Verify(new string('a', 72) + "anything at all", hash));
        Assert.False(hasher.Verify(new string('a', 71), hash));
    }

    [Fact]
    public void Bcrypt_cuts_bytes_not_characters()
    {
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);

        // 'é' is C3 A9: byte 72 is C3. 'è' (C3 A8) shares it, 'ĉ' (C4 89) does not.
        string hash = hasher.Hash(new string('a', 71) + "é");

        Assert.True(hasher.Verify(new string('a', 71) + "è", hash));
        Assert.False(hasher.Verify(new string('a', 71) + "ĉ", hash));
        Assert.False(hasher.Verify(new string('a', 71), hash));
    }

    [Theory]
    [InlineData(PasswordHasher.BcryptSha256Algorithm, 4)]
    [InlineData(PasswordHasher.Pbkdf2Sha512Algorithm, 1000)]
    [InlineData(PasswordHasher.ScryptAlgorithm, 4)]
    public void Other_algorithms_keep_4096_bytes(string algorithm, int rounds)
    {
        var hasher = new PasswordHasher(algorithm, rounds);

        string hash72 = hasher.Hash(new string('a', 72));
        string hash4096 = hasher.Hash(new string('a', 4096));

        Assert.False(hasher.Verify(new string('a', 73), hash72));
        Assert.True(hasher.Verify(new string('a', 4097), hash4096)); // Keystone's max_password_length
        Assert.False(hasher.Verify(new string('a', 4095), hash4096));
    }

    [Fact]
    public void A_bcrypt_hash_checked_under_another_algorithm_is_still_cut_by_bcrypt()
    {
        string hash = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4).Hash(new string('a', 80));
        var pbkdf2 = new PasswordHasher(PasswordHasher.Pbkdf2Sha512Algorithm);

        Assert.True(pbkdf2.Verify(new string('a', 72) + "bcrypt never reads this", hash));
    }

    [Fact]
    public void Bcrypt_refuses_NUL_characters_as_passlib_does()
    {
        var bcrypt = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);
        string hashOfA = bcrypt.Hash("a");

        Assert.Throws<ArgumentException>(() => bcrypt.Hash("a\0b"));
        Assert.False(bcrypt.Verify("a\0", hashOfA));
        Assert.False(bcrypt.Verify("a\0b", hashOfA));
    }

    [Theory]
    [InlineData(PasswordHasher.BcryptSha256Algorithm, 4)]
    [InlineData(PasswordHasher.Pbkdf2Sha512Algorithm, 1000)]
    [InlineData(PasswordHasher.ScryptAlgorithm, 4)]
    public void Other_algorithms_accept_NUL_characters(string algorithm, int rounds)
    {
        var hasher = new PasswordHasher(algorithm, rounds);

        string hash = hasher.Hash("a\0b");

        Assert.True(hasher.Verify("a\0b", hash));
        Assert.False(hasher.Verify("a", hash));
    }

    [Fact]
    public void Unpaired_surrogates_cannot_be_encoded_and_are_refused()
    {
        var hasher = new PasswordHasher(PasswordHasher.Pbkdf2Sha512Algorithm, 1000);
        string hash = hasher.Hash("a");

        Assert.Throws<ArgumentException>(() => hasher.Hash("a\ud800"));
        Assert.False(hasher.Verify("a\ud800", hash));
        // Python encodes the whole password before cutting it, so a bad character past the cut still fails.
        var bcrypt = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);
        string bcryptHash = bcrypt.Hash(new string('a', 100));
        Assert.True(bcrypt.Verify(new string('a', 100) + "🔑", bcryptHash));
        Assert.False(bcrypt.Verify(new string('a', 100) + "\udc00", bcryptHash));
    }

    [Fact]
    public void Null_password_or_hash_does_not_verify()
    {
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);
        string hash = hasher.Hash("a");

        Assert.False(hasher.Verify(null, hash));
        Assert.False(hasher.Verify("a", null)); // a user without a password
        Assert.Throws<ArgumentNullException>(() => hasher.Hash(null!));
    }

    [Fact]
    public void Bcrypt_padding_bits_are_repaired_as_passlib_does()
    {
        // Salt character 22 and checksum character 31 carry unused bits; passlib clears them before comparing.
        const string Hash = "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.";
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);
        string saltBitsSet = Hash[..28] + "/" + Hash[29..]; // '.' is index 0, '/' index 1
        string checksumBitsSet = Hash[..^1] + "/";

        Assert.True(hasher.Verify("correct horse battery staple", Hash));
        Assert.True(hasher.Verify("correct horse battery staple", saltBitsSet));
        Assert.True(hasher.Verify("correct horse battery staple", checksumBitsSet));
        Assert.False(hasher.Verify("correct horse battery staple", Hash[..^1] + "0"));
    }

    public static TheoryData<string> UnreadableHashes { get; } = new()
    {
        "",
        "$",
        "$$",
        "correct horse battery staple",
        "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", // md5_crypt
        "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", // sha256_crypt
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$iLxLYt3ZxJ8GEJhHx9iYgDzrt2ltM1XjX6hSDDmLa08",
        "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D",
        // bcrypt, broken in each field
        "$2b$",
        "$2b$04$",
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.", // no checksum
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo", // one short
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo..",
        "$2b$03$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.",
        "$2b$32$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.",
        "$2b$4$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo..",
        "$2b$x4$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.",
        "$2b$04$k1sZT7AIrvW9M0jObIAEG!tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.",
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdé",
        "$2x$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.", // crypt_blowfish's buggy mode
        "$2c$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.",
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.\n",
        // bcrypt_sha256
        "$bcrypt-sha256$v=3,t=2b,r=4$sK805uvcuIDXNDqmJIviXe$29M5eXyrLjSNEaMO.DKLUoOJHZ39kiy",
        "$bcrypt-sha256$v=2,t=2a,r=4$sK805uvcuIDXNDqmJIviXe$29M5eXyrLjSNEaMO.DKLUoOJHZ39kiy",
        "$bcrypt-sha256$v=2,t=2b,r=04$sK805uvcuIDXNDqmJIviXe$29M5eXyrLjSNEaMO.DKLUoOJHZ39kiy",
        "$bcrypt-sha256$v=2,t=2b,r=4$sK805uvcuIDXNDqmJIviXe",
        "$bcrypt-sha256$2y,4$sK805uvcuIDXNDqmJIviXe$29M5eXyrLjSNEaMO.DKLUoOJHZ39kiy",
        // pbkdf2_sha512
        "$pbkdf2-sha512$",
        "$pbkdf2-sha512$0$l/L.f681JkQIAcDYW8vZ.w$ZCc1BPTSMz7V",
        "$pbkdf2-sha512$025000$l/L.f681JkQIAcDYW8vZ.w$ZCc1BPTSMz7V.p245kFmpUEgG549bdwKLMEBOxwrK.0HaMP0T7kal4C9Yyr7rCcXHQn.XRu5Q8buGsEVe41CCg",
        "$pbkdf2-sha512$25000$l/L.f681JkQIAcDYW8vZ.w$ZCc1BPTSMz7V.p245kFmpUEgG549bdwKLMEBOxwrK.0HaMP0T7kal4C9Yyr7rCcXHQn.XRu5Q8buGsEVe41CC",
        "$pbkdf2-sha512$25000$l/L.f681JkQIAcDYW8vZ.w$ZCc1BPTSMz7V.p245kFmpUEgG549bdwKLMEBOxwrK.0HaMP0T7kal4C9Yyr7rCcXHQn.XRu5Q8buGsEVe41CCgAA",
        "$pbkdf2-sha512$25000$l/L.f681JkQI AcDYW8vZ.w$ZCc1BPTSMz7V.p245kFmpUEgG549bdwKLMEBOxwrK.0HaMP0T7kal4C9Yyr7rCcXHQn.XRu5Q8buGsEVe41CCg",
        "$pbkdf2-sha512$25000$l/L.f681JkQIAcDYW8vZ.w",
        // scrypt
        "$scrypt$ln=31,r=8,p=1$1pozZkxpTWltbW2t9b4XYg$JKMUb5B8b94TgGS7LEH4fn+UqmtK58Hv5KlzdoQ0EEM", // 2 TiB
        "$scrypt$ln=0,r=8,p=1$1pozZkxpTWltbW2t9b4XYg$JKMUb5B8b94TgGS7LEH4fn+UqmtK58Hv5KlzdoQ0EEM",
        "$scrypt$r=8,ln=4,p=1$1pozZkxpTWltbW2t9b4XYg$JKMUb5B8b94TgGS7LEH4fn+UqmtK58Hv5KlzdoQ0EEM",
        "$scrypt$ln=4,r=8$1pozZkxpTWltbW2t9b4XYg$JKMUb5B8b94TgGS7LEH4fn+UqmtK58Hv5KlzdoQ0EEM",
        "$scrypt$ln=4,r=8,p=1$1pozZkxpTWltbW2t9b4XYg$JKMUb5B8b94TgGS7LEH4fn+UqmtK58Hv5KlzdoQ0EE",
        "$scrypt$ln=4,r=8,p=1$1pozZkxpTWltbW2t9b4XYg",
        // sha512_crypt
        "$6$rounds=999$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.",
        "$6$rounds=01000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.",
        "$6$saltstringsaltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
        "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz",
        "$6$saltstring",
        "$6$rounds=5000",
    };

    [Theory]
    [MemberData(nameof(UnreadableHashes))]
    public void Unreadable_hashes_do_not_verify_and_do_not_throw(string hash)
    {
        foreach (string algorithm in (string[])[PasswordHasher.BcryptAlgorithm, PasswordHasher.Pbkdf2Sha512Algorithm])
        {
            var hasher = new PasswordHasher(algorithm);
            Assert.False(hasher.Verify("correct horse battery staple", hash));
            Assert.False(hasher.Verify("", hash));
        }
    }

    [Fact]
    public void Random_junk_never_throws()
    {
        var hasher = new PasswordHasher(PasswordHasher.BcryptAlgorithm, 4);
        var random = new Random(4096);
        string[] prefixes =
        [
            "$2$", "$2a$", "$2b$04$", "$2y$31$", "$bcrypt-sha256$", "$bcrypt-sha256$v=2,t=2b,r=4$",
            "$pbkdf2-sha512$", "$pbkdf2-sha512$1$", "$scrypt$", "$scrypt$ln=1,r=1,p=1$", "$6$", "$6$rounds=1000$", "",
        ];
        const string Alphabet = "$./,=0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+é\0";

        for (int i = 0; i < 3000; i++)
        {
            string junk = new([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            Assert.False(hasher.Verify("password", prefixes[i % prefixes.Length] + junk));
        }
    }
}
