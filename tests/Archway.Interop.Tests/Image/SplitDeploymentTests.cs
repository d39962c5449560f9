using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Archway.Interop.Tests.Harness;
using Xunit.Abstractions;

namespace Archway.Interop.Tests.Image;

/// <summary>
/// Identity and Image in two processes (<see cref="SplitDeployment"/>): Image checks every token with Identity over
/// HTTP as the guide's glance user, configured by nothing but glance-api.conf. The guide's Glance steps through the
/// real `openstack` and `glance` CLIs; a revoked token refused within token_cache_time (and at once by the
/// all-in-one `archway up`); Identity down means 503 from Image, not 401, and Image recovers when Identity is back.
/// </summary>
public sealed class SplitDeploymentTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string QemuImg = "/usr/bin/qemu-img";

    private readonly OpenStackCli _openstack = new(output.WriteLine);
    private readonly TemporaryDirectory _files = new("split-files");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private SplitDeployment? _deployment;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            output.WriteLine("--- Identity ---\n" + _deployment.Identity?.Log);
            output.WriteLine("--- Image ---\n" + _deployment.Image?.Log);
            await _deployment.DisposeAsync();
        }
        _http.Dispose();
        _openstack.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task The_guides_glance_steps_work_with_image_in_its_own_process()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output) || !File.Exists(QemuImg))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{QemuImg} is missing: install qemu-utils");
            return;
        }
        var deployment = await StartAsync(tokenCacheTime: 300);
        var admin = deployment.AdminOpenrc();

        // glance image-create of a qcow2 the test builds, then the guide's `openstack image list`.
        var raw = Path.Combine(_files.Path, "disk.raw");
        var data = new byte[1024 * 1024];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(raw, data);
        var qcow2 = Path.Combine(_files.Path, "cirros-0.4.0-x86_64-disk.img");
        var convert = new ProcessStartInfo(QemuImg) { ArgumentList = { "convert", "-f", "raw", "-O", "qcow2", raw, qcow2 } };
        (await ProcessRunner.RunAsync(convert, TimeSpan.FromSeconds(60))).AssertSucceeded();
        var bytes = await File.ReadAllBytesAsync(qcow2);
        var created = (await _openstack.RunGlanceAsync(admin, "image-create", "--name", "cirros", "--file", qcow2,
            "--disk-format", "qcow2", "--container-format", "bare", "--visibility", "public")).AssertSucceeded();
        var image = CliTable.Rows(created.StandardOutput);
        Assert.Equal(("cirros", "active", "public"), (image["name"], image["status"], image["visibility"]));
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), image["checksum"]);
        var row = Assert.Single(CliTable.List((await _openstack.RunAsync(admin, "image", "list")).AssertSucceeded().StandardOutput));
        Assert.Equal((image["id"], "cirros", "active"), (row["ID"], row["Name"], row["Status"]));

        // The file landed in the guide's filesystem_store_datadir (written with its trailing slash) and comes back whole.
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(deployment.ImageStoreDirectory, image["id"])));
        var saved = Path.Combine(_files.Path, "saved.img");
        (await _openstack.RunAsync(admin, "image", "save", "--file", saved, "cirros")).AssertSucceeded();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(saved));

        // Image checked those tokens over HTTP as the glance user, and said where it found memcached unsupported.
        var log = deployment.Image!.Log;
        Assert.Contains($"HTTP to {deployment.IdentityUrl}", log, StringComparison.Ordinal);
        Assert.Contains($"Logged in to {deployment.IdentityUrl}/v3 as the service user", log, StringComparison.Ordinal);
        Assert.Contains("does not speak memcached", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_by_image_within_token_cache_time()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        // Long enough for one run of the CLI's revoke to finish inside it on a busy machine; short enough to wait out.
        const int cacheSeconds = 15;
        var deployment = await StartAsync(tokenCacheTime: cacheSeconds);
        var admin = deployment.AdminOpenrc();
        var token = (await IssuedToken.IssueAsync(_openstack, admin)).Id;
        var neverUsed = (await IssuedToken.IssueAsync(_openstack, admin)).Id;

        // A revoked token Image has not cached is refused at once.
        (await _openstack.RunAsync(admin, "token", "revoke", neverUsed)).AssertSucceeded();
        Assert.Equal(HttpStatusCode.Unauthorized, await ImageStatusAsync(deployment.ImageUrl, neverUsed));

        var cachedAt = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, token));
        (await _openstack.RunAsync(admin, "token", "revoke", token)).AssertSucceeded();
        var revokedAfter = cachedAt.Elapsed;

        // Identity refuses it at once; Image has it cached and still accepts it (keystonemiddleware's trade-off) ...
        Assert.True(revokedAfter < TimeSpan.FromSeconds(cacheSeconds - 1), $"the revoke took {revokedAfter}: too slow to observe the cache");
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, token));

        // ... and refuses the cached one once token_cache_time has passed since it was cached.
        while (await ImageStatusAsync(deployment.ImageUrl, token) == HttpStatusCode.OK)
        {
            Assert.True(cachedAt.Elapsed < TimeSpan.FromSeconds(cacheSeconds + 3), $"still accepted {cachedAt.Elapsed} after it was cached");
            await Task.Delay(250);
        }
        var refusedAfter = cachedAt.Elapsed;
        output.WriteLine($"cached at 0 s, revoked by {revokedAfter.TotalSeconds:0.0} s, refused from {refusedAfter.TotalSeconds:0.0} s");
        Assert.True(refusedAfter >= TimeSpan.FromSeconds(cacheSeconds - 1), $"refused after {refusedAfter}, before the cache time ran out");
        Assert.Equal(HttpStatusCode.Unauthorized, await ImageStatusAsync(deployment.ImageUrl, token));
    }

    [Fact]
    public async Task In_one_archway_up_process_a_revoked_token_is_refused_by_image_at_once()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        await using var server = await ArchwayServer.StartAsync(SplitDeployment.AdminPassword);
        var admin = server.Openrc();
        var token = (await IssuedToken.IssueAsync(_openstack, admin)).Id;
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(server.ImageUrl, token));
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(server.ImageUrl, token));

        (await _openstack.RunAsync(admin, "token", "revoke", token)).AssertSucceeded();

        Assert.Equal(HttpStatusCode.Unauthorized, await ImageStatusAsync(server.ImageUrl, token));
    }

    [Fact]
    public async Task Image_answers_503_while_identity_is_down_and_recovers_when_it_is_back()
    {
        if (!InteropRequirements.OpenStackCliInstalled(output))
        {
            return;
        }
        var deployment = await StartAsync(tokenCacheTime: 300, startImage: false);
        var admin = deployment.AdminOpenrc();
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add((await IssuedToken.IssueAsync(_openstack, admin)).Id);
        }
        await deployment.StopIdentityAsync();

        // Image may start before Identity: it logs in when the first token needs checking.
        await deployment.StartImageAsync();
        await AssertUnavailableAsync(deployment, tokens[0]);
        await deployment.StartIdentityAsync();
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, tokens[0]));

        // Identity stops: a token Image has cached still works, one it has not is a 503, not a 401.
        await deployment.StopIdentityAsync();
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, tokens[0]));
        await AssertUnavailableAsync(deployment, tokens[1]);
        Assert.Contains("the Identity service is unavailable", deployment.Image!.Log, StringComparison.Ordinal);

        // Identity restarts on the same port and data: the same tokens work, and so does the CLI.
        await deployment.StartIdentityAsync();
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, tokens[1]));
        Assert.Equal(HttpStatusCode.OK, await ImageStatusAsync(deployment.ImageUrl, tokens[2]));
        (await _openstack.RunAsync(admin, "image", "list")).AssertSucceeded();
    }

    /// <summary>
    /// A split deployment with the guide's glance user (admin on the service project), image service and three
    /// endpoints made through the CLI, and Image started unless <paramref name="startImage"/> is false.
    /// </summary>
    private async Task<SplitDeployment> StartAsync(int tokenCacheTime, bool startImage = true)
    {
        var deployment = _deployment = await SplitDeployment.CreateAsync(tokenCacheTime);
        var admin = deployment.AdminOpenrc();
        (await _openstack.RunAsync(admin, "project", "create", "--domain", "default", "--description", "Service Project", "service")).AssertSucceeded();
        (await _openstack.RunAsync(admin, "user", "create", "--domain", "default", "--password", SplitDeployment.GlancePassword, "glance")).AssertSucceeded();
        (await _openstack.RunAsync(admin, "role", "add", "--project", "service", "--user", "glance", "admin")).AssertSucceeded();
        (await _openstack.RunAsync(admin, "service", "create", "--name", "glance", "--description", "OpenStack Image", "image")).AssertSucceeded();
        foreach (var endpointInterface in new[] { "public", "internal", "admin" })
        {
            (await _openstack.RunAsync(admin, "endpoint", "create", "--region", "RegionOne", "image", endpointInterface, deployment.ImageUrl)).AssertSucceeded();
        }
        if (startImage)
        {
            await deployment.StartImageAsync();
        }
        return deployment;
    }

    private async Task AssertUnavailableAsync(SplitDeployment deployment, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, deployment.ImageUrl + "/v2/images");
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("Accept", "application/json");
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {body}\n{deployment.Image!.Log}");
        Assert.Contains("Keystone service is temporarily unavailable", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    /// <summary>GET /v2/images with <paramref name="token"/>: 200 when Image accepts it.</summary>
    private async Task<HttpStatusCode> ImageStatusAsync(string imageUrl, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, imageUrl + "/v2/images");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }
}
