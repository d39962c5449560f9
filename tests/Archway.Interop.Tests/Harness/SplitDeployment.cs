using System.Globalization;

namespace Archway.Interop.Tests.Harness;

/// <summary>
/// The install guide's controller split in two processes, as two hosts would run them: Identity alone (`archway db
/// sync`, `fernet setup`, `credential setup`, `bootstrap`, then `archway serve --service identity`) and Image alone
/// (`archway db sync --service image` and `archway serve --service image --config glance-api.conf`), whose only
/// configuration is a glance-api.conf with the guide's [keystone_authtoken] section pointed at 127.0.0.1. Either
/// process can be stopped and started again on the same port and data.
/// </summary>
public sealed class SplitDeployment : IAsyncDisposable
{
    public const string AdminPassword = "ADMIN_PASS";
    public const string GlancePassword = "GLANCE_PASS";

    private readonly TemporaryDirectory _directory = new("split");

    private SplitDeployment(int tokenCacheTime)
    {
        TokenCacheTime = tokenCacheTime;
        IdentityPort = FreePort.Pick();
        ImagePort = FreePort.Pick();
    }

    public int IdentityPort { get; }

    public int ImagePort { get; }

    /// <summary>[keystone_authtoken] token_cache_time in the Image process's glance-api.conf, in seconds.</summary>
    public int TokenCacheTime { get; }

    public string IdentityDataDirectory => Path.Combine(_directory.Path, "identity");

    /// <summary>Where the Image process keeps its database and image files, as glance-api.conf names them.</summary>
    public string ImageDataDirectory => Path.Combine(_directory.Path, "image");

    /// <summary>filesystem_store_datadir, with the guide's trailing slash.</summary>
    public string ImageStoreDirectory => Path.Combine(ImageDataDirectory, "images") + "/";

    public string GlanceApiConf => Path.Combine(_directory.Path, "glance-api.conf");

    /// <summary>The Identity base URL, as the guide's [keystone_authtoken] www_authenticate_uri and auth_url name it.</summary>
    public string IdentityUrl => $"http://127.0.0.1:{IdentityPort}";

    public string ImageUrl => $"http://127.0.0.1:{ImagePort}";

    /// <summary>The Identity process; null while stopped.</summary>
    public ArchwayProcess? Identity { get; private set; }

    /// <summary>The Image process; null while stopped.</summary>
    public ArchwayProcess? Image { get; private set; }

    /// <summary>admin-openrc for this deployment, as the guide writes it.</summary>
    public Dictionary<string, string> AdminOpenrc() => new(StringComparer.Ordinal)
    {
        ["OS_PROJECT_DOMAIN_NAME"] = "Default",
        ["OS_USER_DOMAIN_NAME"] = "Default",
        ["OS_PROJECT_NAME"] = "admin",
        ["OS_USERNAME"] = "admin",
        ["OS_PASSWORD"] = AdminPassword,
        ["OS_AUTH_URL"] = IdentityUrl + "/v3",
        ["OS_IDENTITY_API_VERSION"] = "3",
        ["OS_IMAGE_API_VERSION"] = "2",
    };

    /// <summary>
    /// keystone-manage's steps for a new Identity (database, Fernet and credential keys, bootstrap with this port in
    /// the catalog), then Identity served alone. Image is not started.
    /// </summary>
    public static async Task<SplitDeployment> CreateAsync(int tokenCacheTime)
    {
        var deployment = new SplitDeployment(tokenCacheTime);
        try
        {
            var url = deployment.IdentityUrl + "/v3/";
            foreach (var step in new[]
            {
                new[] { "db", "sync" },
                ["fernet", "setup"],
                ["credential", "setup"],
                ["bootstrap", "--bootstrap-password", AdminPassword, "--bootstrap-admin-url", url, "--bootstrap-internal-url", url,
                    "--bootstrap-public-url", url, "--bootstrap-region-id", "RegionOne"],
            })
            {
                (await ArchwayBinary.RunAsync([.. step, "--data-dir", deployment.IdentityDataDirectory])).AssertSucceeded();
            }
            await deployment.StartIdentityAsync();
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    /// <summary>`archway serve --service identity` on the deployment's port and data.</summary>
    public async Task StartIdentityAsync()
    {
        Assert.Null(Identity);
        Identity = await ArchwayProcess.StartAsync(
        [
            "serve", "--service", "identity", "--data-dir", IdentityDataDirectory, "--host", "127.0.0.1",
            "--identity-port", IdentityPort.ToString(CultureInfo.InvariantCulture),
        ]);
    }

    public async Task StopIdentityAsync()
    {
        Assert.NotNull(Identity);
        Assert.Equal(0, await Identity.StopAsync());
        await Identity.DisposeAsync();
        Identity = null;
    }

    /// <summary>
    /// Writes glance-api.conf (the guide's [keystone_authtoken] verbatim but for the host, plus token_cache_time; a
    /// SQLite [database]; the guide's [glance_store]), syncs the image database and starts `archway serve --service
    /// image --config glance-api.conf`. Identity need not be up.
    /// </summary>
    public async Task StartImageAsync()
    {
        Assert.Null(Image);
        Directory.CreateDirectory(ImageDataDirectory);
        await File.WriteAllTextAsync(GlanceApiConf, $"""
            [database]
            connection = sqlite:///{ImageDataDirectory}/glance.db

            [keystone_authtoken]
            # ...
            www_authenticate_uri  = {IdentityUrl}
            auth_url = {IdentityUrl}
            memcached_servers = 127.0.0.1:11211
            auth_type = password
            project_domain_name = Default
            user_domain_name = Default
            project_name = service
            username = glance
            password = {GlancePassword}
            token_cache_time = {TokenCacheTime}

            [paste_deploy]
            # ...
            flavor = keystone

            [glance_store]
            # ...
            stores = file,http
            default_store = file
            filesystem_store_datadir = {ImageStoreDirectory}

            """);
        (await ArchwayBinary.RunAsync(["db", "sync", "--service", "image", "--config", GlanceApiConf])).AssertSucceeded();
        Image = await ArchwayProcess.StartAsync(
        [
            "serve", "--service", "image", "--config", GlanceApiConf, "--host", "127.0.0.1",
            "--image-port", ImagePort.ToString(CultureInfo.InvariantCulture),
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Image is not null)
        {
            await Image.DisposeAsync();
        }
        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
        _directory.Dispose();
    }
}
