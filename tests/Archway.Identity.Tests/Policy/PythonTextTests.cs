using System.Numerics;
using Archway.Identity.Policy;

namespace Archway.Identity.Tests.Policy;

/// <summary>Python's str() of target values, which is what oslo.policy compares.</summary>
public sealed class PythonTextTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(1e300, "1e+300")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void Floats_print_as_python_repr(double value, string expected) => Assert.Equal(expected, PythonText.FloatRepr(value));

    [Fact]
    public void Scalars_print_as_python_str()
    {
        Assert.Equal("None", PythonText.Str(null));
        Assert.Equal("True", PythonText.Str(true));
        Assert.Equal("False", PythonText.Str(false));
        Assert.Equal("-42", PythonText.Str(-42));
        Assert.Equal("18446744073709551615", PythonText.Str(ulong.MaxValue));
        Assert.Equal("123456789012345678901234567890", PythonText.Str(BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("text", PythonText.Str("text"));
    }

    [Fact]
    public void Strings_are_returned_without_copying()
    {
        var text = new string('a', 3);
        Assert.Same(text, PythonText.Str(text));
    }

    [Fact]
    public void Containers_print_as_python_repr()
    {
        Assert.Equal("['a', 'b']", PythonText.Str(new[] { "a", "b" }));
        Assert.Equal("[1, None, True, 'it\\'s \"q\"']", PythonText.Str(new object?[] { 1, null, true, "it's \"q\"" }));
        Assert.Equal("[\"it's\"]", PythonText.Str(new[] { "it's" }));
        Assert.Equal("['a\\nb\\\\']", PythonText.Str(new[] { "a\nb\\" }));
        Assert.Equal("{'k': [1.5]}", PythonText.Str(new Dictionary<string, object?> { ["k"] = new[] { 1.5 } }));
        Assert.Equal("[]", PythonText.Str(Array.Empty<string>()));
    }
}
