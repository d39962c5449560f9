using System.Diagnostics;
using System.Reflection;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// The `archway` executable under test: src/Archway's build output for the configuration these tests were built
/// with, run with the same dotnet host.
/// </summary>
public static class ArchwayBinary
{
    private static readonly Lazy<string> LazyDllPath = new(Locate);

    /// <summary>src/Archway/bin/CONFIGURATION/TFM/archway.dll; the test project's build builds it first.</summary>
    public static string DllPath => LazyDllPath.Value;

    /// <summary>Runs a management command (`db sync`, `fernet rotate`, ...) to the end.</summary>
    public static Task<CommandResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(CreateStartInfo(arguments), timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>
    /// `dotnet archway.dll ARGS` with our environment minus anything that would steer Archway or a client
    /// (ARCHWAY_*, OS_*): each test says what it wants on the command line.
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(DotnetHost());
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("ARCHWAY", StringComparison.Ordinal) || name.StartsWith("OS_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }
        return start;
    }

    private static string DotnetHost()
    {
        // `dotnet test` runs the test host under the SDK's dotnet, and the SDK names it in DOTNET_HOST_PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string Locate()
    {
        var assembly = typeof(ArchwayBinary).Assembly;
        var configuration = Metadata(assembly, "ArchwayConfiguration");
        var framework = Metadata(assembly, "ArchwayTargetFramework");
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Archway.slnx")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new InvalidOperationException($"no Archway.slnx above {AppContext.BaseDirectory}: cannot find the repository root");
        }
        var dll = Path.Combine(directory.FullName, "src", "Archway", "bin", configuration, framework, "archway.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist: build it first (`dotnet build src/Archway -c {configuration}`)");
        }
        return dll;
    }

    private static string Metadata(Assembly assembly, string key) =>
        assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing from {assembly.GetName().Name}");
}
