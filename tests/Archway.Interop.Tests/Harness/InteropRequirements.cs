using Xunit.Abstractions;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// Interop tests need Debian's openstack CLI. Missing on a developer's machine, a test says so and returns; missing
/// under CI=true, it fails: CI must never pass by not running them.
/// </summary>
public static class InteropRequirements
{
    /// <summary>True when the CLI is there; otherwise fails under CI, or tells the output and returns false.</summary>
    public static bool OpenStackCliInstalled(ITestOutputHelper output)
    {
        var missing = new[] { OpenStackCli.Executable, OpenStackCli.Python }.Where(path => !File.Exists(path)).ToList();
        if (missing.Count == 0)
        {
            return true;
        }
        var message = $"{string.Join(" and ", missing)} not found: install python3-openstackclient (apt-get install python3-openstackclient) to run the interop tests";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }
        output.WriteLine("NOT RUN: " + message);
        return false;
    }

    /// <summary>Debian's python3-openstacksdk: as <see cref="OpenStackCliInstalled"/>, a failure under CI.</summary>
    public static bool OpenStackSdkInstalled(ITestOutputHelper output)
    {
        if (Directory.Exists("/usr/lib/python3/dist-packages/openstack") && File.Exists(OpenStackCli.Python))
        {
            return true;
        }
        const string Message = "openstacksdk not found: install python3-openstacksdk (apt-get install python3-openstacksdk) to run the SDK interop test";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(Message);
        }
        output.WriteLine("NOT RUN: " + Message);
        return false;
    }
}
