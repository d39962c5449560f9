using System.Buffers.Text;
using System.Diagnostics;
using Archway.Identity.Tokens;

namespace Archway.Identity.Tests.Tokens;

public sealed class FernetKeyRepositoryTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Setup_creates_an_owner_only_directory_with_keys_0_and_1()
    {
        var directory = _temp.Sub("fernet-keys");
        var repository = new FernetKeyRepository(directory, 3);

        repository.Setup();

        Assert.Equal(["0", "1"], FileNames(directory));
        Assert.True(repository.Exists);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(directory, "0")));
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(directory, "1")));
        }
    }

    [Fact]
    public void Key_files_hold_what_Fernet_generate_key_writes()
    {
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();

        foreach (var name in new[] { "0", "1" })
        {
            var text = File.ReadAllText(Path.Combine(_temp.Path, name));
            Assert.Equal(44, text.Length);
            Assert.EndsWith("=", text, StringComparison.Ordinal);
            Assert.DoesNotContain('+', text);
            Assert.DoesNotContain('/', text);
            Assert.Equal(32, Base64Url.DecodeFromChars(text).Length);
        }

        Assert.NotEqual(File.ReadAllText(Path.Combine(_temp.Path, "0")), File.ReadAllText(Path.Combine(_temp.Path, "1")));
    }

    [Fact]
    public void Setup_leaves_an_existing_repository_alone()
    {
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var before = Contents(_temp.Path);

        repository.Setup();

        Assert.Equal(before, Contents(_temp.Path));
    }

    [Fact]
    public void Rotate_promotes_staged_key_and_purges_down_to_max_active_keys()
    {
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var setup = Contents(_temp.Path);

        repository.Rotate();
        var first = Contents(_temp.Path);
        Assert.Equal(["0", "1", "2"], first.Keys);
        Assert.Equal(setup["0"], first["2"]);   // the staged key became the primary
        Assert.Equal(setup["1"], first["1"]);   // the old primary is a secondary
        Assert.NotEqual(setup["0"], first["0"]); // a new staged key

        repository.Rotate();
        var second = Contents(_temp.Path);
        Assert.Equal(["0", "2", "3"], second.Keys); // 1, the lowest, purged
        Assert.Equal(first["0"], second["3"]);
        Assert.Equal(first["2"], second["2"]);
    }

    [Fact]
    public void Load_order_is_primary_then_secondaries_descending_then_staged()
    {
        var repository = new FernetKeyRepository(_temp.Path, 5);
        repository.Setup();
        repository.Rotate();
        repository.Rotate(); // 0, 1, 2, 3
        var contents = Contents(_temp.Path);

        var keys = repository.LoadKeys();

        Assert.Equal(
            new[] { "3", "2", "1", "0" }.Select(name => Base64Url.DecodeFromChars(contents[name])),
            keys);
    }

    [Fact]
    public void Non_integer_names_and_empty_files_are_ignored()
    {
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var primary = File.ReadAllText(Path.Combine(_temp.Path, "1"));
        File.WriteAllText(Path.Combine(_temp.Path, "7"), string.Empty);        // empty: would be the primary
        File.WriteAllText(Path.Combine(_temp.Path, "README"), "not a key");
        File.WriteAllText(Path.Combine(_temp.Path, "9.bak"), "not a key");
        File.WriteAllText(Path.Combine(_temp.Path, "0.tmp"), "not a key");
        Directory.CreateDirectory(Path.Combine(_temp.Path, "8"));

        var keys = repository.LoadKeys();

        Assert.Equal(2, keys.Count);
        Assert.Equal(Base64Url.DecodeFromChars(primary), keys[0]);
        repository.Rotate();
        Assert.True(File.Exists(Path.Combine(_temp.Path, "2")), "the empty 7 does not count as the highest key");
    }

    [Fact]
    public void A_hand_written_key_with_a_trailing_newline_loads()
    {
        File.WriteAllText(Path.Combine(_temp.Path, "1"), "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n");

        var keys = new FernetKeyRepository(_temp.Path, 3).LoadKeys();

        Assert.Equal(Base64Url.DecodeFromChars("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="), Assert.Single(keys));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("\n")]
    public void A_corrupt_key_file_fails_loudly(string content)
    {
        File.WriteAllText(Path.Combine(_temp.Path, "1"), content);

        var error = Assert.Throws<InvalidDataException>(() => new FernetKeyRepository(_temp.Path, 3).LoadKeys());
        Assert.Contains(Path.Combine(_temp.Path, "1"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_keyless_repository_does_not_exist_and_loads_nothing()
    {
        var missing = new FernetKeyRepository(_temp.Sub("missing"), 3);
        Assert.False(missing.Exists);
        Assert.Empty(missing.LoadKeys());

        File.WriteAllText(Path.Combine(_temp.Path, "0"), string.Empty);
        File.WriteAllText(Path.Combine(_temp.Path, "keys"), "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
        Assert.False(new FernetKeyRepository(_temp.Path, 3).Exists);
    }

    [Fact]
    public void Rotate_without_setup_throws()
    {
        Assert.Throws<InvalidOperationException>(() => new FernetKeyRepository(_temp.Path, 3).Rotate());
    }

    [Fact]
    public void A_leftover_world_readable_tmp_key_is_written_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var tmp = Path.Combine(_temp.Path, "0.tmp");
        File.WriteAllText(tmp, "left by a crash");
        File.SetUnixFileMode(tmp, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        repository.Rotate();

        Assert.False(File.Exists(tmp));
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(_temp.Path, "0")));
    }

    [Fact]
    public void Setup_with_uid_and_gid_chowns_the_directory_and_keys_when_root()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            return; // changing owner needs root
        }

        var directory = _temp.Sub("owned");
        new FernetKeyRepository(directory, 3).Setup(uid: 4321, gid: 4322);

        Assert.Equal("4321:4322", Owner(directory));
        Assert.Equal("4321:4322", Owner(Path.Combine(directory, "0")));
        Assert.Equal("4321:4322", Owner(Path.Combine(directory, "1")));
    }

    [Fact]
    public void A_token_from_the_old_primary_decodes_after_one_rotation_and_fails_once_purged()
    {
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var formatter = new FernetTokenFormatter(repository, AuthMethods.Default, TimeProvider.System);
        var token = formatter.Create(TokenTestData.ProjectPayload()); // made with key 1

        repository.Rotate(); // 0, 1, 2: key 1 is a secondary
        formatter.ReloadKeys();
        Assert.True(formatter.TryDecode(token, out _));

        repository.Rotate(); // 0, 2, 3: key 1 purged
        formatter.ReloadKeys();
        Assert.False(formatter.TryDecode(token, out _));
    }

    [Fact]
    public void A_token_from_the_staged_key_decodes_before_and_after_it_is_promoted()
    {
        // Another node that already rotated encrypts with what is still our staged key 0.
        var repository = new FernetKeyRepository(_temp.Path, 3);
        repository.Setup();
        var formatter = new FernetTokenFormatter(repository, AuthMethods.Default, TimeProvider.System);
        var staged = new FernetKey(Base64Url.DecodeFromChars(File.ReadAllText(Path.Combine(_temp.Path, "0"))));
        var token = FernetEnvelope.SealToString(staged, formatter.EncodePayload(TokenTestData.ProjectPayload()), 0, new byte[16]);

        Assert.True(formatter.TryDecode(token, out _));
        repository.Rotate();
        formatter.ReloadKeys();
        Assert.True(formatter.TryDecode(token, out _));
    }

    private static string[] FileNames(string directory) =>
        Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static SortedDictionary<string, string> Contents(string directory) =>
        new(FileNames(directory).ToDictionary(name => name, name => File.ReadAllText(Path.Combine(directory, name))), StringComparer.Ordinal);

    private static string Owner(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }
}
