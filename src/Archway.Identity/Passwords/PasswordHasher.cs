using System.Buffers;
using System.Security.Cryptography;
using System.Text.Unicode;

namespace Archway.Identity.Passwords;

/// <summary>
/// Hashes and checks passwords (and application credential secrets) the way Keystone's
/// keystone.common.password_hashing does, so hashes move between Keystone's database and ours in both directions.
/// <list type="bullet">
/// <item>A password is UTF-8 and cut to <see cref="MaxPasswordBytes"/> bytes, before hashing and before checking
/// (never refused: that is strict_password_check, which callers apply).</item>
/// <item><see cref="Verify"/> picks the hasher from the stored hash's prefix, whatever the configured algorithm:
/// "$2a$"/"$2b$"/"$2y$"/"$2$" bcrypt, "$bcrypt-sha256$", "$pbkdf2-sha512$", "$scrypt$", "$6$" sha512_crypt.</item>
/// </list>
/// Thread-safe. Hash and Verify are CPU-bound (about 250 ms at bcrypt cost 12): requests use
/// <see cref="HashAsync"/> and <see cref="VerifyAsync"/>, which run them on the thread pool, at most one per core.
/// </summary>
internal sealed class PasswordHasher
{
    /// <summary>
    /// One slot per core, shared by every hasher in the process. Eight logins arriving at once on two cores used to
    /// run eight hashes at a quarter speed each: all eight answered after a second, with eight pool threads held the
    /// whole time. In turn, two finish every 250 ms (mean 0.63 s instead of 1 s for that burst), the throughput is
    /// the same, and the queue waits without holding a thread.
    /// </summary>
    private static readonly SemaphoreSlim CoreSlots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public const string BcryptAlgorithm = "bcrypt";
    public const string BcryptSha256Algorithm = "bcrypt_sha256";
    public const string Pbkdf2Sha512Algorithm = "pbkdf2_sha512";
    public const string ScryptAlgorithm = "scrypt";

    /// <summary>Keystone's [identity] max_password_length default (and passlib's ceiling).</summary>
    public const int KeystoneMaxPasswordLength = 4096;

    private const int BcryptDefaultCost = 12;

    private readonly BcryptEngine _engine;

    /// <param name="algorithm">[identity] password_hash_algorithm.</param>
    /// <param name="rounds">[identity] password_hash_rounds; null or 0 (Keystone treats 0 as unset) means the
    /// algorithm's default: bcrypt and bcrypt_sha256 cost 12, pbkdf2_sha512 25000 iterations, scrypt log2(N) 16.
    /// </param>
    public PasswordHasher(string algorithm = BcryptAlgorithm, int? rounds = null)
        : this(algorithm, rounds, BcryptEngine.Auto)
    {
    }

    internal PasswordHasher(string algorithm, int? rounds, BcryptEngine engine)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        (int defaultRounds, int minRounds, int maxRounds) = algorithm switch
        {
            BcryptAlgorithm or BcryptSha256Algorithm => (BcryptDefaultCost, BcryptHash.MinCost, BcryptHash.MaxCost),
            Pbkdf2Sha512Algorithm => (Pbkdf2Sha512Hash.DefaultRounds, 1, int.MaxValue),
            ScryptAlgorithm => (ScryptHash.DefaultLogN, 1, MaxScryptLogN()),
            _ => throw new ArgumentException(
                $"Unknown password_hash_algorithm '{algorithm}'; expected {BcryptAlgorithm}, " +
                $"{BcryptSha256Algorithm}, {Pbkdf2Sha512Algorithm} or {ScryptAlgorithm}.", nameof(algorithm)),
        };

        int effectiveRounds = rounds is null or 0 ? defaultRounds : rounds.Value;
        if (effectiveRounds < minRounds || effectiveRounds > maxRounds)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds,
                $"password_hash_rounds for {algorithm} must be between {minRounds} and {maxRounds}.");
        }

        Algorithm = algorithm;
        Rounds = effectiveRounds;
        _engine = engine;
        // Keystone: "bcrypt" cuts every password at bcrypt's 72-byte limit, whatever hash it is checked against.
        MaxPasswordBytes = algorithm == BcryptAlgorithm ? BcryptHash.MaxKeyBytes : KeystoneMaxPasswordLength;
    }

    /// <summary>libxcrypt loaded and passed its self-test; otherwise bcrypt runs on BCrypt.Net-Next.</summary>
    public static bool NativeAvailable => LibXCrypt.IsAvailable;

    public string Algorithm { get; }

    /// <summary>The rounds new hashes get (cost, iterations or log2 N, by algorithm).</summary>
    public int Rounds { get; }

    /// <summary>
    /// UTF-8 bytes of a password that count: 72 when the algorithm is bcrypt, else max_password_length (4096).
    /// Longer passwords are cut, as Keystone does without strict_password_check.
    /// </summary>
    public int MaxPasswordBytes { get; }

    /// <summary>Hashes <paramref name="password"/> in the configured algorithm, in the format Keystone stores.</summary>
    /// <exception cref="ArgumentException">The password has unpaired surrogates (not UTF-8 encodable), or, for
    /// bcrypt, a NUL character: Keystone refuses both with an error.</exception>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxPasswordBytes + 4);
        try
        {
            if (!TryEncode(password, buffer, out int length))
            {
                throw new ArgumentException("The password is not valid UTF-16 (unpaired surrogate).", nameof(password));
            }

            ReadOnlySpan<byte> secret = buffer.AsSpan(0, length);
            return Algorithm switch
            {
                BcryptAlgorithm => BcryptHash.Hash(secret, Rounds, _engine),
                BcryptSha256Algorithm => BcryptSha256Hash.Hash(secret, Rounds, _engine),
                Pbkdf2Sha512Algorithm => Pbkdf2Sha512Hash.Hash(secret, Rounds),
                _ => ScryptHash.Hash(secret, Rounds),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><see cref="Hash"/> on the thread pool, once a core is free.</summary>
    public Task<string> HashAsync(string password, CancellationToken cancellationToken) =>
        OnCoreAsync(() => Hash(password), cancellationToken);

    /// <summary><see cref="Verify"/> on the thread pool, once a core is free.</summary>
    public Task<bool> VerifyAsync(string? password, string? storedHash, CancellationToken cancellationToken) =>
        OnCoreAsync(() => Verify(password, storedHash), cancellationToken);

    private static async Task<T> OnCoreAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await CoreSlots.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(work, cancellationToken);
        }
        finally
        {
            CoreSlots.Release();
        }
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="storedHash"/>. False, never an exception, for a
    /// wrong password, a null password or hash (Keystone's users without a password), a hash it cannot read, or a
    /// password Keystone would refuse to check (NUL with bcrypt or sha512_crypt, unpaired surrogates).
    /// </summary>
    public bool Verify(string? password, string? storedHash)
    {
        if (password is null || storedHash is null)
        {
            return false;
        }

        HashKind kind = Identify(storedHash);
        if (kind == HashKind.Unknown)
        {
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxPasswordBytes + 4);
        try
        {
            if (!TryEncode(password, buffer, out int length))
            {
                return false;
            }

            ReadOnlySpan<byte> secret = buffer.AsSpan(0, length);
            return kind switch
            {
                HashKind.Bcrypt => BcryptHash.Verify(secret, storedHash, _engine),
                HashKind.BcryptSha256 => BcryptSha256Hash.Verify(secret, storedHash, _engine),
                HashKind.Pbkdf2Sha512 => Pbkdf2Sha512Hash.Verify(secret, storedHash),
                HashKind.Scrypt => ScryptHash.Verify(secret, storedHash),
                _ => Sha512CryptHash.Verify(secret, storedHash),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Keystone's _get_hasher_from_ident: the text up to and including the second '$'. "$2x$" (passlib refuses
    /// crypt_blowfish's buggy mode) and "$7$" (passlib's other scrypt form, which Keystone never writes) are
    /// not read.
    /// </summary>
    private static HashKind Identify(string storedHash)
    {
        int end = storedHash.IndexOf('$', Math.Min(1, storedHash.Length));
        if (end < 0)
        {
            return HashKind.Unknown;
        }

        return storedHash.AsSpan(0, end + 1) switch
        {
            "$2$" or "$2a$" or "$2b$" or "$2y$" => HashKind.Bcrypt,
            BcryptSha256Hash.Prefix => HashKind.BcryptSha256,
            Pbkdf2Sha512Hash.Prefix => HashKind.Pbkdf2Sha512,
            ScryptHash.Prefix => HashKind.Scrypt,
            Sha512CryptHash.Prefix => HashKind.Sha512Crypt,
            _ => HashKind.Unknown,
        };
    }

    /// <summary>
    /// Keystone's verify_length_and_trunc_password: UTF-8 encode the whole password (Python refuses unpaired
    /// surrogates), then keep the first <see cref="MaxPasswordBytes"/> bytes, even if that splits a character.
    /// </summary>
    private bool TryEncode(string password, byte[] buffer, out int length)
    {
        length = 0;
        OperationStatus status = Utf8.FromUtf16(password, buffer, out int charsRead, out int written,
            replaceInvalidSequences: false, isFinalBlock: true);
        if (status == OperationStatus.DestinationTooSmall)
        {
            // The buffer holds more than MaxPasswordBytes; the rest only has to be valid.
            if (HasUnpairedSurrogate(password.AsSpan(charsRead)))
            {
                return false;
            }
        }
        else if (status != OperationStatus.Done)
        {
            return false;
        }

        length = Math.Min(written, MaxPasswordBytes);
        return true;
    }

    private static bool HasUnpairedSurrogate(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static int MaxScryptLogN()
    {
        int logN = 1;
        while (ScryptKdf.AreValid(logN + 1, ScryptHash.BlockSize, ScryptHash.Parallelism))
        {
            logN++;
        }

        return logN;
    }

    private enum HashKind
    {
        Unknown,
        Bcrypt,
        BcryptSha256,
        Pbkdf2Sha512,
        Scrypt,
        Sha512Crypt,
    }
}
