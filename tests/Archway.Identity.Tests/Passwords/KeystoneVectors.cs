namespace Archway.Identity.Tests.Passwords;

/// <summary>
/// Hashes made once by Debian's Keystone 22.0.2 (passlib 1.7.4, bcrypt 3.2.2) through
/// keystone.common.password_hashing.hash_password, or passlib directly where Keystone does not write the format,
/// with the answer check_password gave for each password. Live tests repeat this against Keystone itself; these
/// keep the format tests running where Keystone's Python is absent.
/// </summary>
internal static class KeystoneVectors
{
    private const string Digits80 =
        "01234567890123456789012345678901234567890123456789012345678901234567890123456789";

    private static readonly string A71 = new('a', 71);
    private static readonly string B100 = new('b', 100);

    // bcrypt 2b
    private const string Bcrypt2b =
        "$2b$04$k1sZT7AIrvW9M0jObIAEG.tHB1sJiVkSMvpw/ef/l4nnG24tkcdo.";

    // bcrypt 2b unicode
    private const string Bcrypt2bUnicode =
        "$2b$04$4URqYmXEIOEMkm0FhNfhRejf82ZeTiXuvpBgjdwfVKbd65zzGxlX.";

    // bcrypt 2b split character
    private const string Bcrypt2bSplitCharacter =
        "$2b$04$BMU8RO1Iz3uk20GRdthwuek1OHu90LohwMKJwfLeSJM9MnwsW6wKS";

    // bcrypt 2b 80 bytes
    private const string Bcrypt2b80Bytes =
        "$2b$04$mCf.eOhkUMh4ydjEwtRZlue2XKGpPIJgRCJ5737OTQLpUId0/B7jm";

    // bcrypt 2b empty
    private const string Bcrypt2bEmpty =
        "$2b$04$QwhY8E/GnFtxhsyq62FfouVkTKPwejT.pI96lmJ1fzfWgDr0yNJWa";

    // bcrypt 2b cost 12
    private const string Bcrypt2bCost12 =
        "$2b$12$tEtL4PVm2DcNy2QHJ/KuJOVOERDAZeTt.ttoWuicOusk5RIYPJP6a";

    // bcrypt 2a
    private const string Bcrypt2a =
        "$2a$05$Qo9lpzI5RvrBU3o5QouXLuCqdhYm4xEK3G7M0uYbDb0fQ5F0zMmTS";

    // bcrypt 2y
    private const string Bcrypt2y =
        "$2y$05$ZjTwQWMpGEh.RcWv729N3u7cMLpR4S6kkW7fzUhk4kg6gdEAW3nCS";

    // bcrypt 2 legacy
    private const string Bcrypt2Legacy =
        "$2$04$T3S68t4KkXMHsUIe131uveDnP4CLmshC.ksduvV1uLcyKObdgmQdu";

    // bcrypt_sha256 v2 (passlib; Keystone 22 raises for it). Its rows give passlib.hash.bcrypt_sha256.verify.
    private const string BcryptSha256V2 =
        "$bcrypt-sha256$v=2,t=2b,r=4$782qWKMhvyhQ13S7aa81JO$F2I5maCxftCLVy1wDwy5o6S2atqeIfS";

    // bcrypt_sha256 v1 2b
    private const string BcryptSha256V12b =
        "$bcrypt-sha256$2b,4$XW9T9wolGNcQjqj/8VZPx.$wRSCF36kug8dOkhyYQphv//M1ovBaN.";

    // bcrypt_sha256 v1 2a
    private const string BcryptSha256V12a =
        "$bcrypt-sha256$2a,4$ycbwv9SVPHo63jTTii2bE.$0sVquua8zVAppDuiUuCjVBkExkeYPXq";

    // pbkdf2_sha512 default
    private const string Pbkdf2Sha512Default =
        "$pbkdf2-sha512$25000$du69tzYmZGwtJSRkLAUgRA$k99zd7Fh.yghaxbMX0b4GGOQ56CKmSx4.2CciLUFX9nzioCE/88eyAa1KsIXcxiG9Y.TMuAwpxaOyUbdDc9cTw";

    // pbkdf2_sha512 unicode
    private const string Pbkdf2Sha512Unicode =
        "$pbkdf2-sha512$1000$NAYgBKC0dm4tBcD4/18LIQ$Wf/IzPZkIiKj1TogB5ph.7RRSbTkTdppes40W/xGNsYNLyp3TBQrFTLi2fDecb7tTQyKWJzlg8hG7ysKaHrVCQ";

    // pbkdf2_sha512 80 bytes
    private const string Pbkdf2Sha51280Bytes =
        "$pbkdf2-sha512$1000$GYMwhlBqbQ3hvHeOcc753w$MO/QbHSn.sVWXy4Ax0OF339StGYSPQuGo.oPBLwsVPT24TMkECpurUr4f/SnxQieIxnO4ZlOwdGzR/PGDWaL8Q";

    // scrypt
    private const string Scrypt =
        "$scrypt$ln=4,r=8,p=1$7B3jfC8lxFirNYYQQug9Bw$HGhZDzra0AsUqTHNXwCMcUEc7wriOpwqmwVkpurkWqw";

    // scrypt default
    private const string ScryptDefault =
        "$scrypt$ln=16,r=8,p=1$LGWsNaa0lhKilPLe+79XSg$YJc8KKlO0MQWyKIHfXl+MZr/rnB0HFcWfHzlgaPowuU";

    // sha512_crypt, made by passlib: Keystone only reads it (pre-Pike Keystone wrote it).
    // Implicit rounds (5000).
    private const string Sha512CryptImplicitRounds =
        "$6$aAbZ.aAo0sBgdzdb$G7L6TRQkp/dARp0snkdxzQ5pyhadZmnhXJIKBdTZ.jGIFI/xGC1Gq419Gr/yR0VEtf7FYZymkEFRwpTQC1c1x.";

    // sha512_crypt rounds 1000
    private const string Sha512CryptRounds1000 =
        "$6$rounds=1000$3VQ2rAIGlAfNijQW$uQyclhRVPaFDRMCfwpLkgfwcr3IhW3Xn5JfmtK8iJA9ReSPAP4dOXBS.x6kdoxzetAhJksUvzpfVnOjsZS5II1";

    // sha512_crypt 80 bytes
    private const string Sha512Crypt80Bytes =
        "$6$rounds=1000$MSiar/aVW70JMRaG$puyAIMyHv2W6c/JAj312C7DjvfqWfc2oQ8H1ElR/v0JOV/p/daasRCL30/TPTDzShiSJTROv5eu9avE9SZBFM1";

    /// <summary>
    /// Configured password_hash_algorithm (it decides truncation), password, check_password's answer (an
    /// exception counts as false), stored hash.
    /// </summary>
    public static TheoryData<string, string, bool, string> Checks { get; } = new()
    {
        { "bcrypt", "correct horse battery staple", true, Bcrypt2b },
        { "bcrypt", "correct horse battery stapl", false, Bcrypt2b },
        { "bcrypt", "Correct horse battery staple", false, Bcrypt2b },
        { "bcrypt", "pässwörd-€-日本-🔑", true, Bcrypt2bUnicode },
        { "bcrypt", "pässwörd-€-日本-🔒", false, Bcrypt2bUnicode },
        { "bcrypt", "passwort", false, Bcrypt2bUnicode },
        { "bcrypt", A71 + "é", true, Bcrypt2bSplitCharacter },
        { "bcrypt", A71 + "è", true, Bcrypt2bSplitCharacter },
        { "bcrypt", A71 + "ĉ", false, Bcrypt2bSplitCharacter },
        { "bcrypt", A71, false, Bcrypt2bSplitCharacter },
        { "bcrypt", Digits80, true, Bcrypt2b80Bytes },
        { "bcrypt", Digits80[..72], true, Bcrypt2b80Bytes },
        { "bcrypt", Digits80[..72] + "different tail", true, Bcrypt2b80Bytes },
        { "bcrypt", Digits80[..71], false, Bcrypt2b80Bytes },
        { "pbkdf2_sha512", Digits80, true, Bcrypt2b80Bytes },
        { "pbkdf2_sha512", Digits80[..72] + "different tail", true, Bcrypt2b80Bytes },
        { "pbkdf2_sha512", Digits80[..71], false, Bcrypt2b80Bytes },
        { "bcrypt", "", true, Bcrypt2bEmpty },
        { "bcrypt", " ", false, Bcrypt2bEmpty },
        { "bcrypt", "\0", false, Bcrypt2bEmpty }, // Keystone raises PasswordValueError.
        { "bcrypt", "correct horse battery staple", true, Bcrypt2bCost12 },
        { "bcrypt", "wrong", false, Bcrypt2bCost12 },
        { "bcrypt", "correct horse battery staple", true, Bcrypt2a },
        { "bcrypt", "wrong", false, Bcrypt2a },
        { "bcrypt", "pässwörd-€-日本-🔑", true, Bcrypt2y },
        { "bcrypt", "wrong", false, Bcrypt2y },
        { "bcrypt", "abc", true, Bcrypt2Legacy },
        { "bcrypt", "abcabc", true, Bcrypt2Legacy },
        { "bcrypt", "ab", false, Bcrypt2Legacy },
        { "pbkdf2_sha512", B100, true, BcryptSha256V2 },
        { "pbkdf2_sha512", B100[..72], false, BcryptSha256V2 },
        { "pbkdf2_sha512", B100[..99], false, BcryptSha256V2 },
        { "pbkdf2_sha512", "pässwörd-€-日本-🔑", true, BcryptSha256V12b },
        { "pbkdf2_sha512", "wrong", false, BcryptSha256V12b },
        { "pbkdf2_sha512", "correct horse battery staple", true, BcryptSha256V12a },
        { "pbkdf2_sha512", "wrong", false, BcryptSha256V12a },
        { "pbkdf2_sha512", "correct horse battery staple", true, Pbkdf2Sha512Default },
        { "pbkdf2_sha512", "wrong", false, Pbkdf2Sha512Default },
        { "pbkdf2_sha512", "pässwörd-€-日本-🔑", true, Pbkdf2Sha512Unicode },
        { "pbkdf2_sha512", "pässwörd-€-日本-", false, Pbkdf2Sha512Unicode },
        { "pbkdf2_sha512", Digits80, true, Pbkdf2Sha51280Bytes },
        { "pbkdf2_sha512", Digits80[..72], false, Pbkdf2Sha51280Bytes },
        { "scrypt", "correct horse battery staple", true, Scrypt },
        { "scrypt", "wrong", false, Scrypt },
        { "scrypt", "pässwörd-€-日本-🔑", true, ScryptDefault },
        { "scrypt", "wrong", false, ScryptDefault },
        { "bcrypt", "correct horse battery staple", true, Sha512CryptImplicitRounds },
        { "bcrypt", "wrong", false, Sha512CryptImplicitRounds },
        { "pbkdf2_sha512", "pässwörd-€-日本-🔑", true, Sha512CryptRounds1000 },
        { "pbkdf2_sha512", "wrong", false, Sha512CryptRounds1000 },
        { "pbkdf2_sha512", Digits80, true, Sha512Crypt80Bytes },
        { "pbkdf2_sha512", Digits80[..72], false, Sha512Crypt80Bytes },
    };
}
