using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Archway.KeystoneAuth.Tests.Harness;

namespace Archway.KeystoneAuth.Tests;

/// <summary>
/// The README's ten-line example is docs/examples/KeystoneAuthMinimalApi/Program.cs, built with the solution: the
/// README and docs/keystone-auth.md print that file unchanged, and the built example, run as its own process with
/// the guide's [keystone_authtoken] section in myservice.conf, protects its API with a real Identity.
/// </summary>
public sealed partial class ReadmeExampleTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string ExampleDirectory = Path.Combine(Root, "docs", "examples", "KeystoneAuthMinimalApi");

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/keystone-auth.md")]
    public void The_documentation_prints_the_compiled_example_unchanged(string document)
    {
        var text = File.ReadAllText(Path.Combine(Root, document));
        var blocks = CSharpBlock().Matches(text).Select(m => m.Groups[1].Value).Where(b => b.Contains("UseKeystoneAuth", StringComparison.Ordinal)).ToList();

        var block = Assert.Single(blocks);
        Assert.Equal(File.ReadAllText(Path.Combine(ExampleDirectory, "Program.cs")), block);
        Assert.True(block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 11, "the example is meant to be about ten lines");
    }

    [Fact]
    public async Task The_example_answers_401_without_a_token_and_200_with_a_valid_one()
    {
        await using var identity = await IdentityHost.StartOnKestrelAsync();
        var directory = Directory.CreateTempSubdirectory("keystoneauth-example-");
        try
        {
            // The guide's section, with Identity on 127.0.0.1 and the test Identity's glance user.
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "myservice.conf"), $"""
                [keystone_authtoken]
                # ...
                www_authenticate_uri  = {identity.Url}
                auth_url = {identity.Url}
                memcached_servers = 127.0.0.1:11211
                auth_type = password
                project_domain_name = Default
                user_domain_name = Default
                project_name = service
                username = glance
                password = {IdentityHost.GlancePassword}

                """);
            var port = IdentityHost.FreePort();
            using var example = StartExample(directory.FullName, port);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilListeningAsync(example.Process, port, example.Output);

            using (var anonymous = await client.GetAsync("/whoami"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Equal($"Keystone uri=\"{identity.Url}\"", anonymous.Headers.WwwAuthenticate.ToString());
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "/whoami", "gAAAAABnot-a-token")).StatusCode);

            var (demo, demoToken) = await identity.IssueAsync("demo", IdentityHost.DemoPassword, "demo");
            using var whoami = await SendAsync(client, "/whoami", demo);
            Assert.True(whoami.StatusCode == HttpStatusCode.OK, $"{(int)whoami.StatusCode} {await whoami.Content.ReadAsStringAsync()}\n{example.Output}");
            var seen = await whoami.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("demo", seen.GetProperty("user").GetString());
            Assert.Equal(demoToken.GetProperty("project").GetProperty("id").GetString(), seen.GetProperty("project").GetString());

            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, "/admin-only", demo)).StatusCode);
            using var admin = await SendAsync(client, "/admin-only", await identity.AdminTokenAsync());
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.Equal("\"hello, admin\"", await admin.Content.ReadAsStringAsync());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Auth-Token", token);
        return await client.SendAsync(request);
    }

    /// <summary>`dotnet KeystoneAuthMinimalApi.dll --urls http://127.0.0.1:PORT` in <paramref name="directory"/>, its output kept.</summary>
    private static RunningExample StartExample(string directory, int port)
    {
        var configuration = typeof(ReadmeExampleTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ExampleConfiguration").Value!;
        var dll = Path.Combine(ExampleDirectory, "bin", configuration, "net10.0", "KeystoneAuthMinimalApi.dll");
        Assert.True(File.Exists(dll), $"{dll} does not exist: build the solution first");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        return new RunningExample(start);
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"the example exited with {(process.HasExited ? process.ExitCode : 0)}:\n{output}");
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"the example did not listen on {port} within 60 s:\n{output}");
                await Task.Delay(100);
            }
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Archway.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"no Archway.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The example's process; killed on dispose. Its output is collected for failure messages.</summary>
    private sealed class RunningExample : IDisposable
    {
        public RunningExample(ProcessStartInfo start)
        {
            Process = Process.Start(start) ?? throw new InvalidOperationException("could not start the example");
            Process.OutputDataReceived += (_, e) => Append(e.Data);
            Process.ErrorDataReceived += (_, e) => Append(e.Data);
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public StringBuilder Output { get; } = new();

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (Output)
                {
                    Output.AppendLine(line);
                }
            }
        }
    }
}
