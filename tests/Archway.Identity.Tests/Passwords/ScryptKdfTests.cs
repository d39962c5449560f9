using Archway.Identity.Passwords;

namespace Archway.Identity.Tests.Passwords;

public sealed class ScryptKdfTests
{
    // RFC 7914 section 12 (the fourth vector, N = 2^20, is left out for time).
    [Theory]
    [InlineData("", "", 4, 1, 1,
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442" +
        "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")]
    [InlineData("password", "NaCl", 10, 8, 16,
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162" +
        "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")]
    [InlineData("pleaseletmein", "SodiumChloride", 14, 8, 1,
        "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2" +
        "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")]
    public void DeriveKey_matches_RFC_7914(string password, string salt, int logN, int r, int p, string expectedHex)
    {
        byte[] key = new byte[64];

        ScryptKdf.DeriveKey(
            System.Text.Encoding.UTF8.GetBytes(password), System.Text.Encoding.UTF8.GetBytes(salt), logN, r, p, key);

        Assert.Equal(expectedHex, Convert.ToHexStringLower(key));
    }

    [Theory]
    [InlineData(0, 8, 1)] // N must be at least 2
    [InlineData(32, 8, 1)] // passlib's limit on log2 N
    [InlineData(21, 8, 1)] // 2 GiB, over our 1 GiB limit
    [InlineData(16, 1, 1)] // passlib: N < 2^(16 r)
    [InlineData(4, 0, 1)]
    [InlineData(4, 8, 0)]
    [InlineData(4, 1 << 15, 1 << 15)] // r * p must stay under 2^30
    public void AreValid_rejects_parameters_passlib_or_memory_would_refuse(int logN, int r, int p)
    {
        Assert.False(ScryptKdf.AreValid(logN, r, p));
    }
}
