using System.Text.RegularExpressions;
using Archway.Data.Configuration;
using Archway.Data.Database;

namespace Archway.Image.Config;

/// <summary>
/// The Image service's configuration, read from a glance-api.conf-form file with Glance's option names and Zed's
/// defaults. Relative paths and default locations resolve under the data directory.
/// </summary>
public sealed partial record GlanceOptions
{
    public required DatabaseUrl Database { get; init; }

    /// <summary>[DEFAULT] image_size_cap: the largest upload in bytes (Glance's default 1 TiB).</summary>
    public long ImageSizeCap { get; init; } = 1_099_511_627_776;

    /// <summary>[DEFAULT] user_storage_quota in bytes summed over a project's images; 0 means unlimited.</summary>
    public long UserStorageQuota { get; init; }

    /// <summary>[DEFAULT] limit_param_default: images per page when the request names no limit.</summary>
    public int LimitParamDefault { get; init; } = 25;

    /// <summary>[DEFAULT] api_limit_max: the most images one page may hold, whatever the request asks.</summary>
    public int ApiLimitMax { get; init; } = 1000;

    /// <summary>[DEFAULT] image_member_quota; negative means unlimited.</summary>
    public int ImageMemberQuota { get; init; } = 128;

    /// <summary>[DEFAULT] image_property_quota (os_glance_* properties not counted); negative means unlimited.</summary>
    public int ImagePropertyQuota { get; init; } = 128;

    /// <summary>[DEFAULT] image_tag_quota; negative means unlimited.</summary>
    public int ImageTagQuota { get; init; } = 128;

    /// <summary>[DEFAULT] image_location_quota; negative means unlimited.</summary>
    public int ImageLocationQuota { get; init; } = 10;

    /// <summary>[DEFAULT] hashing_algorithm: the os_hash_algo of uploads (sha512, sha384 or sha256 here).</summary>
    public string HashingAlgorithm { get; init; } = "sha512";

    /// <summary>[DEFAULT] show_image_direct_url: add the first location's URL as direct_url to image documents.</summary>
    public bool ShowImageDirectUrl { get; init; }

    /// <summary>[DEFAULT] show_multiple_locations: show locations and allow changing them through PATCH.</summary>
    public bool ShowMultipleLocations { get; init; }

    /// <summary>[DEFAULT] allow_additional_image_properties: whether images may carry custom properties.</summary>
    public bool AllowAdditionalImageProperties { get; init; } = true;

    /// <summary>
    /// [DEFAULT] enabled_import_methods. Archway has no interoperable image import yet, so the list is empty unless
    /// configured, and only advertised (info/import, the create header); POST /v2/images/{id}/import is not served.
    /// </summary>
    public IReadOnlyList<string> EnabledImportMethods { get; init; } = [];

    /// <summary>[DEFAULT] public_endpoint: base URL of version documents; null means the request's own host.</summary>
    public string? PublicEndpoint { get; init; }

    /// <summary>[DEFAULT] allow_anonymous_access: requests without a confirmed identity get read-only access.</summary>
    public bool AllowAnonymousAccess { get; init; }

    /// <summary>
    /// [oslo_policy] enforce_new_defaults (with [DEFAULT] enforce_secure_rbac, which must equal it): evaluate only
    /// the persona policies (admin, member, reader). False, Zed's default, also accepts each rule's deprecated
    /// default, which leaves the owner checks Glance makes in code.
    /// </summary>
    public bool EnforceNewDefaults { get; init; }

    /// <summary>[image_format] disk_formats.</summary>
    public IReadOnlyList<string> DiskFormats { get; init; } = DefaultDiskFormats;

    /// <summary>[image_format] container_formats.</summary>
    public IReadOnlyList<string> ContainerFormats { get; init; } = DefaultContainerFormats;

    /// <summary>[glance_store] stores: which store drivers are loaded (file and http are Archway's).</summary>
    public IReadOnlyList<string> Stores { get; init; } = ["file", "http"];

    /// <summary>[glance_store] default_store: where uploads go.</summary>
    public string DefaultStore { get; init; } = "file";

    /// <summary>[glance_store] filesystem_store_datadir (absolute).</summary>
    public required string FilesystemStoreDatadir { get; init; }

    /// <summary>[glance_store] filesystem_store_chunk_size: bytes per read when serving a file.</summary>
    public int FilesystemStoreChunkSize { get; init; } = 65536;

    /// <summary>[glance_store] filesystem_store_file_perm: octal mode of stored files; 0 keeps the umask's.</summary>
    public int FilesystemStoreFilePerm { get; init; }

    /// <summary>[keystone_authtoken], as written: the host hands it to the auth middleware.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> KeystoneAuthtoken { get; init; } = [];

    public static IReadOnlyList<string> DefaultDiskFormats { get; } =
        ["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"];

    public static IReadOnlyList<string> DefaultContainerFormats { get; } =
        ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"];

    private static readonly string[] SupportedHashes = ["sha512", "sha384", "sha256"];

    /// <summary>Sections whose options belong to other components or do not change Archway's behaviour.</summary>
    private static readonly string[] PassThroughSections =
    [
        "keystone_authtoken", "oslo_concurrency", "oslo_messaging_notifications", "oslo_messaging_rabbit",
        "oslo_messaging_amqp", "oslo_messaging_kafka", "oslo_middleware", "oslo_reports", "profiler", "cors",
        "healthcheck", "wsgi", "taskflow_executor", "task", "os_brick", "barbican", "barbican_service_user",
        "key_manager", "vault", "oslo_limit",
    ];

    /// <summary>Reads every Image option, reporting all invalid values at once.</summary>
    public static GlanceOptions Read(OptionReader reader, string dataDirectory, IniFile file)
    {
        string InData(string path) => Path.GetFullPath(Path.Combine(dataDirectory, path));

        var database = DatabaseUrl.Read(reader, "sqlite:///glance.db", dataDirectory);

        var quota = reader.Raw("DEFAULT", "user_storage_quota");
        long storageQuota = 0;
        if (quota is not null && !TryParseStorageQuota(quota.Value, out storageQuota))
        {
            reader.Problem(quota, "must be a number optionally followed by B, KB, MB, GB or TB (e.g. 10GB)");
        }

        var hashing = reader.Raw("DEFAULT", "hashing_algorithm");
        if (hashing is not null && Array.IndexOf(SupportedHashes, hashing.Value) < 0)
        {
            reader.Problem(hashing, $"is not supported: use one of {string.Join(", ", SupportedHashes)}");
        }

        var secureRbac = reader.Bool("DEFAULT", "enforce_secure_rbac", false);
        var newDefaults = reader.Bool("oslo_policy", "enforce_new_defaults", false);
        if (secureRbac != newDefaults)
        {
            reader.Problem(reader.Raw("oslo_policy", "enforce_new_defaults") ?? reader.Raw("DEFAULT", "enforce_secure_rbac")!,
                "must equal [DEFAULT] enforce_secure_rbac (Glance refuses to start otherwise)");
        }
        reader.String("oslo_policy", "enforce_scope", "false");
        var policyFile = reader.Raw("oslo_policy", "policy_file");
        if (policyFile is not null && policyFile.Value != "policy.yaml")
        {
            reader.Problem(policyFile, "is not supported yet: Archway enforces Glance's default policies");
        }

        var flavor = reader.Raw("paste_deploy", "flavor");
        if (flavor is not null && flavor.Value != "keystone")
        {
            reader.Problem(flavor, "is not supported: Archway serves Glance's 'keystone' pipeline (token authentication, no image cache)");
        }
        reader.String("paste_deploy", "config_file", "");

        foreach (var unsupported in new[] { "enabled_backends", "image_cache_dir" })
        {
            var raw = reader.Raw("DEFAULT", unsupported);
            if (raw is not null && raw.Value.Length > 0)
            {
                reader.Problem(raw, "is not supported yet (multiple stores and the image cache come later)");
            }
        }
        var datadirs = reader.Raw("glance_store", "filesystem_store_datadirs");
        if (datadirs is not null && datadirs.Value.Length > 0)
        {
            reader.Problem(datadirs, "is not supported yet: use filesystem_store_datadir");
        }

        var importMethods = reader.List("DEFAULT", "enabled_import_methods", []);
        var stores = reader.List("glance_store", "stores", ["file", "http"]);
        foreach (var store in stores)
        {
            if (store is not ("file" or "http" or "https"))
            {
                reader.Problem(reader.Raw("glance_store", "stores")!, $"names store '{store}', which is not supported yet (file, http)");
            }
        }
        var defaultStore = reader.String("glance_store", "default_store", "file");
        if (defaultStore != "file")
        {
            reader.Problem(reader.Raw("glance_store", "default_store")!, defaultStore == "http"
                ? "cannot be http: the http store is read-only"
                : "is not supported yet: only the file store takes uploads");
        }
        else if (!stores.Contains("file"))
        {
            reader.Problem(reader.Raw("glance_store", "stores")!, "must include the default store 'file'");
        }

        var filePerm = reader.Raw("glance_store", "filesystem_store_file_perm");
        var perm = 0;
        if (filePerm is not null && !TryParseOctal(filePerm.Value, out perm))
        {
            reader.Problem(filePerm, "is not an octal file mode such as 640");
        }

        var options = new GlanceOptions
        {
            Database = database!,
            ImageSizeCap = reader.Long("DEFAULT", "image_size_cap", 1_099_511_627_776, min: 1),
            UserStorageQuota = storageQuota,
            LimitParamDefault = reader.Int("DEFAULT", "limit_param_default", 25, min: 1),
            ApiLimitMax = reader.Int("DEFAULT", "api_limit_max", 1000, min: 1),
            ImageMemberQuota = reader.Int("DEFAULT", "image_member_quota", 128),
            ImagePropertyQuota = reader.Int("DEFAULT", "image_property_quota", 128),
            ImageTagQuota = reader.Int("DEFAULT", "image_tag_quota", 128),
            ImageLocationQuota = reader.Int("DEFAULT", "image_location_quota", 10),
            HashingAlgorithm = hashing is not null && Array.IndexOf(SupportedHashes, hashing.Value) >= 0 ? hashing.Value : "sha512",
            ShowImageDirectUrl = reader.Bool("DEFAULT", "show_image_direct_url", false),
            ShowMultipleLocations = reader.Bool("DEFAULT", "show_multiple_locations", false),
            AllowAdditionalImageProperties = reader.Bool("DEFAULT", "allow_additional_image_properties", true),
            EnabledImportMethods = importMethods,
            PublicEndpoint = reader.OptionalString("DEFAULT", "public_endpoint")?.TrimEnd('/'),
            AllowAnonymousAccess = reader.Bool("DEFAULT", "allow_anonymous_access", false),
            EnforceNewDefaults = newDefaults,
            DiskFormats = reader.List("image_format", "disk_formats", DefaultDiskFormats),
            ContainerFormats = reader.List("image_format", "container_formats", DefaultContainerFormats),
            Stores = stores,
            DefaultStore = defaultStore,
            FilesystemStoreDatadir = InData(reader.String("glance_store", "filesystem_store_datadir", "images")),
            FilesystemStoreChunkSize = reader.Int("glance_store", "filesystem_store_chunk_size", 65536, min: 1),
            FilesystemStoreFilePerm = perm,
            KeystoneAuthtoken = file.Values.Where(v => v.Section == "keystone_authtoken")
                .Select(v => KeyValuePair.Create(v.Name, v.Value)).ToList(),
        };
        foreach (var section in PassThroughSections)
        {
            reader.AcceptSection(section);
        }
        return options;
    }

    /// <summary>Glance's user_storage_quota syntax: digits, optionally B, KB, MB, GB or TB (binary multiples).</summary>
    public static bool TryParseStorageQuota(string text, out long bytes)
    {
        bytes = 0;
        var match = StorageQuotaPattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        var shift = match.Groups[3].Value switch
        {
            "K" => 10,
            "M" => 20,
            "G" => 30,
            "T" => 40,
            _ => 0,
        };
        if (shift > 0 && value > long.MaxValue >> shift)
        {
            return false;
        }
        bytes = value << shift;
        return true;
    }

    private static bool TryParseOctal(string text, out int mode)
    {
        mode = 0;
        if (text.Length is 0 or > 4)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }
            mode = mode * 8 + (c - '0');
        }
        return true;
    }

    [GeneratedRegex(@"^(\d+)((K|M|G|T)?B)?$")]
    private static partial Regex StorageQuotaPattern();
}
