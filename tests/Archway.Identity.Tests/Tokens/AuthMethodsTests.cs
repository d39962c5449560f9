using Archway.Identity.Tokens;

namespace Archway.Identity.Tests.Tokens;

public sealed class AuthMethodsTests
{
    [Theory]
    [InlineData("external", 1)]
    [InlineData("password", 2)]
    [InlineData("token", 4)]
    [InlineData("oauth1", 8)]
    [InlineData("mapped", 16)]
    [InlineData("application_credential", 32)]
    [InlineData("ec2credential", 1L << 32)]
    [InlineData("oauth2_credential", 1L << 33)]
    public void Default_order_gives_Keystones_bits(string method, long bit)
    {
        Assert.Equal(bit, AuthMethods.Default.ToMask([method]));
        Assert.Equal([method], AuthMethods.Default.FromMask(bit));
    }

    [Fact]
    public void Unconfigured_names_are_dropped()
    {
        Assert.Equal(2, AuthMethods.Default.ToMask(["totp", "password", "kerberos"]));
        Assert.Equal(0, AuthMethods.Default.ToMask(["totp"]));
        Assert.Empty(AuthMethods.Default.FromMask(0));
    }

    [Fact]
    public void Names_come_back_highest_bit_first_as_Keystone_lists_them()
    {
        var mask = AuthMethods.Default.ToMask(["password", "token", "ec2credential"]);

        Assert.Equal((1L << 32) | 4 | 2, mask);
        Assert.Equal(["ec2credential", "token", "password"], AuthMethods.Default.FromMask(mask));
    }

    [Fact]
    public void Configured_order_decides_the_bits()
    {
        var methods = new AuthMethods(["password", "token", "totp"]);

        Assert.Equal(5, methods.ToMask(["totp", "password"]));
        Assert.Equal(["totp", "password"], methods.FromMask(5));
        Assert.Equal(["password", "token", "totp"], methods.Names);
    }

    [Fact]
    public void A_bit_above_every_known_bit_yields_no_names_like_Keystone()
    {
        // int(mask / m) is never 1 once an unknown higher bit is set.
        Assert.Empty(AuthMethods.Default.FromMask((1L << 40) | 2));
        Assert.Empty(AuthMethods.Default.FromMask(-1));
    }

    [Fact]
    public void More_than_32_configured_methods_is_refused()
    {
        var names = Enumerable.Range(0, 33).Select(i => "m" + i).ToArray();

        Assert.Throws<ArgumentException>(() => new AuthMethods(names));
    }
}
