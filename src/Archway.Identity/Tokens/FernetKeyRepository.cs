using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Archway.Identity.Tokens;

/// <summary>
/// A Fernet key repository laid out exactly as <c>keystone-manage fernet_setup</c> / <c>fernet_rotate</c>
/// (and <c>credential_setup</c> / <c>credential_rotate</c>) leave it (keystone/common/fernet_utils.py),
/// so Archway and Python Keystone nodes can share one.
/// </summary>
/// <remarks>
/// Files are named by integer: the highest is the primary (encrypts), <c>0</c> is the staged key (the next
/// primary), the rest are secondaries. Other names and empty files are ignored. Each file holds
/// <c>Fernet.generate_key()</c>: url-safe base64 of 32 random bytes, with '=' (44 characters).
/// New keys are written owner-only (0600) as <c>0.tmp</c> and renamed into place.
/// </remarks>
internal sealed class FernetKeyRepository
{
    private const string StagedKeyName = "0";
    private const string TemporaryKeyName = "0.tmp";
    private const UnixFileMode KeyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public FernetKeyRepository(string directory, int maxActiveKeys)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActiveKeys, 1);
        Directory = directory;
        MaxActiveKeys = maxActiveKeys;
    }

    /// <summary><c>[fernet_tokens] key_repository</c> (or <c>[credential] key_repository</c>).</summary>
    public string Directory { get; }

    /// <summary><c>[fernet_tokens] max_active_keys</c>: keys kept after a rotation, staged key included.</summary>
    public int MaxActiveKeys { get; }

    /// <summary>At least one usable (integer-named, non-empty) key file.</summary>
    public bool Exists => ReadKeyFiles().Count > 0;

    /// <summary>
    /// <c>fernet_setup</c>: create the directory (0700) if missing, then key 0 and a rotation, giving keys
    /// 0 and 1. Like Keystone, does nothing more when key 0 already exists.
    /// </summary>
    /// <param name="uid">Owner for the directory and new keys; used only when <paramref name="gid"/> is given too
    /// and neither is 0 (Keystone tests them for truth). Changing owner needs root.</param>
    /// <param name="gid">Group, as <paramref name="uid"/>.</param>
    public void Setup(int? uid = null, int? gid = null)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            if (OperatingSystem.IsWindows())
            {
                System.IO.Directory.CreateDirectory(Directory);
            }
            else
            {
                System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
            }

            ChangeOwner(Directory, uid, gid);
        }

        if (File.Exists(Path.Combine(Directory, StagedKeyName)))
        {
            return;
        }

        CreateTemporaryKey(uid, gid);
        File.Move(Path.Combine(Directory, TemporaryKeyName), Path.Combine(Directory, StagedKeyName), overwrite: true);
        Rotate(uid, gid);
    }

    /// <summary>
    /// <c>fernet_rotate</c>: write a new <c>0.tmp</c>, promote <c>0</c> to max+1 (the new primary), rename
    /// <c>0.tmp</c> to <c>0</c>, then purge the lowest keys until <see cref="MaxActiveKeys"/> remain,
    /// staged key included.
    /// </summary>
    /// <exception cref="InvalidOperationException">The repository has no key 0 (run <see cref="Setup"/>).</exception>
    public void Rotate(int? uid = null, int? gid = null)
    {
        var keyFiles = ReadKeyFiles();
        if (!keyFiles.ContainsKey(0))
        {
            throw new InvalidOperationException(
                $"The key repository {Directory} has no staged key 0; set it up first (keystone-manage fernet_setup).");
        }

        CreateTemporaryKey(uid, gid);

        var newPrimary = keyFiles.Keys.Max() + 1;
        var newPrimaryPath = Path.Combine(Directory, newPrimary.ToString(CultureInfo.InvariantCulture));
        File.Move(keyFiles[0], newPrimaryPath);
        keyFiles.Remove(0);
        keyFiles[newPrimary] = newPrimaryPath;
        File.Move(Path.Combine(Directory, TemporaryKeyName), Path.Combine(Directory, StagedKeyName), overwrite: true);

        // keyFiles holds the old keys and the new primary, not the new staged key.
        var ids = keyFiles.Keys.ToArray();
        Array.Sort(ids);
        for (var i = 0; i < ids.Length - (MaxActiveKeys - 1); i++)
        {
            File.Delete(keyFiles[ids[i]]);
        }
    }

    /// <summary>
    /// The keys as 32-byte arrays: primary (highest) first, then secondaries descending, staged key 0 last.
    /// Empty when the directory does not exist. The caller owns the arrays.
    /// </summary>
    /// <exception cref="InvalidDataException">A key file does not hold 32 url-safe base64-encoded bytes.</exception>
    public IReadOnlyList<byte[]> LoadKeys()
    {
        var keyFiles = ReadKeyFiles();
        var ids = keyFiles.Keys.ToArray();
        Array.Sort(ids, static (a, b) => b.CompareTo(a));
        var keys = new byte[ids.Length][];
        for (var i = 0; i < ids.Length; i++)
        {
            keys[i] = DecodeKey(keyFiles[ids[i]]);
        }

        return keys;
    }

    private static byte[] DecodeKey(string path)
    {
        // Python's urlsafe_b64decode skips characters outside the alphabet, so a trailing newline from a
        // hand-made key file is harmless there; trimming whitespace matches that for the usual case.
        var text = File.ReadAllText(path, Encoding.UTF8).AsSpan().Trim();
        Span<byte> decoded = stackalloc byte[48];
        if (text.Length > 64
            || Base64Url.DecodeFromChars(text, decoded, out var consumed, out var written) != OperationStatus.Done
            || consumed != text.Length
            || written != FernetKey.Length)
        {
            throw new InvalidDataException($"The Fernet key file {path} does not hold 32 url-safe base64-encoded bytes.");
        }

        return decoded[..written].ToArray();
    }

    private Dictionary<int, string> ReadKeyFiles()
    {
        var keyFiles = new Dictionary<int, string>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return keyFiles;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            // Python's int(): surrounding whitespace and a sign are allowed.
            if (int.TryParse(Path.GetFileName(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                && new FileInfo(path).Length > 0)
            {
                keyFiles[id] = path;
            }
        }

        return keyFiles;
    }

    private void CreateTemporaryKey(int? uid, int? gid)
    {
        // Fernet.generate_key(): urlsafe_b64encode(os.urandom(32)), padding kept.
        Span<byte> key = stackalloc byte[FernetKey.Length];
        RandomNumberGenerator.Fill(key);
        Span<byte> text = stackalloc byte[44];
        Base64.EncodeToUtf8(key, text, out _, out _);
        CryptographicOperations.ZeroMemory(key);
        text.Replace((byte)'+', (byte)'-');
        text.Replace((byte)'/', (byte)'_');

        var path = Path.Combine(Directory, TemporaryKeyName);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = KeyFileMode;
        }

        try
        {
            using (var stream = new FileStream(path, options))
            {
                stream.Write(text);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // A 0.tmp left by a crash keeps its old mode when reopened.
                File.SetUnixFileMode(path, KeyFileMode);
            }

            ChangeOwner(path, uid, gid);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    private static void ChangeOwner(string path, int? uid, int? gid)
    {
        if (uid is int user and not 0 && gid is int group and not 0)
        {
            UnixOwnership.Change(path, user, group);
        }
    }
}
