using Archway.Identity.Passwords;
using Xunit.Abstractions;

namespace Archway.Identity.Tests.Passwords;

/// <summary>
/// Tests that compare against libxcrypt need libcrypt.so.1 (Debian's libcrypt1). Without it they say so and
/// return, except under CI=true, where they fail.
/// </summary>
internal static class LibXCryptRequirement
{
    public static bool IsMet(ITestOutputHelper output)
    {
        if (PasswordHasher.NativeAvailable)
        {
            return true;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail("libcrypt.so.1 (libxcrypt) is required on CI but did not load or failed its self-test.");
        }

        output.WriteLine("Not run: libcrypt.so.1 (libxcrypt) is not available.");
        return false;
    }
}
