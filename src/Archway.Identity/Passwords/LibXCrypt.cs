using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Archway.Identity.Passwords;

/// <summary>
/// The system's libxcrypt (Debian's libcrypt1): the C bcrypt every Linux login uses, faster than managed code.
/// Every call gets its own zeroed <c>struct crypt_data</c>, so calls are thread-safe; nothing is cached but the
/// answer to "is it there and correct".
/// </summary>
internal static unsafe partial class LibXCrypt
{
    private const string LibraryName = "libcrypt.so.1";

    // sizeof(struct crypt_data) in libxcrypt's <crypt.h>: fixed at 32768 bytes by design. Too big for the stack.
    private const int CryptDataSize = 32768;

    // CRYPT_GENSALT_OUTPUT_SIZE in <crypt.h>.
    private const int GensaltOutputSize = 192;

    // CRYPT_MAX_PASSPHRASE_SIZE in <crypt.h>, counting the terminating NUL.
    private const int MaxPhraseSize = 512;

    // A known answer from Python's bcrypt (the library passlib and Keystone use), with 8-bit characters.
    private static ReadOnlySpan<byte> KnownPhrase => "päss€word"u8;
    private const string KnownHash = "$2b$04$abcdefghijklmnopqrstuuF7HDSWhNI/XLAYObHer2O.Pfh.lgGy.";

    /// <summary>libcrypt.so.1 loads, exports crypt_rn and crypt_gensalt_rn, and reproduces a known bcrypt hash.</summary>
    public static bool IsAvailable { get; } = Probe();

    /// <summary>
    /// Runs crypt_rn. <paramref name="setting"/> is ASCII without a terminator. Returns the number of characters
    /// written to <paramref name="output"/>, or 0 when libxcrypt fails (it returns NULL or a "*" failure token).
    /// </summary>
    public static int Crypt(ReadOnlySpan<byte> phrase, ReadOnlySpan<char> setting, Span<char> output)
    {
        if (phrase.Length >= MaxPhraseSize || phrase.Contains((byte)0) || setting.Length >= GensaltOutputSize)
        {
            return 0;
        }

        Span<byte> phraseZ = stackalloc byte[phrase.Length + 1];
        Span<byte> settingZ = stackalloc byte[setting.Length + 1];
        phrase.CopyTo(phraseZ);
        phraseZ[^1] = 0;
        if (!TryCopyAscii(setting, settingZ))
        {
            return 0;
        }

        void* data = NativeMemory.AllocZeroed(CryptDataSize);
        try
        {
            fixed (byte* phrasePtr = phraseZ)
            fixed (byte* settingPtr = settingZ)
            {
                byte* result = CryptRn(phrasePtr, settingPtr, data, CryptDataSize);
                return CopyResult(result, output);
            }
        }
        finally
        {
            // crypt_data holds a copy of the phrase in its input area.
            NativeMemory.Clear(data, CryptDataSize);
            NativeMemory.Free(data);
            CryptographicOperations.ZeroMemory(phraseZ);
        }
    }

    /// <summary>
    /// Runs crypt_gensalt_rn for <paramref name="prefix"/> (e.g. "$2b$") and <paramref name="count"/> with 16 bytes
    /// from <see cref="RandomNumberGenerator"/>. Returns the characters written, or 0 on failure.
    /// </summary>
    public static int GenerateSetting(ReadOnlySpan<char> prefix, int count, Span<char> output)
    {
        Span<byte> prefixZ = stackalloc byte[prefix.Length + 1];
        if (!TryCopyAscii(prefix, prefixZ))
        {
            return 0;
        }

        Span<byte> randomBytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(randomBytes);
        Span<byte> setting = stackalloc byte[GensaltOutputSize];
        fixed (byte* prefixPtr = prefixZ)
        fixed (byte* randomPtr = randomBytes)
        fixed (byte* settingPtr = setting)
        {
            byte* result = CryptGensaltRn(
                prefixPtr, new CULong((uint)count), randomPtr, randomBytes.Length, settingPtr, GensaltOutputSize);
            return CopyResult(result, output);
        }
    }

    private static int CopyResult(byte* result, Span<char> output)
    {
        if (result == null || *result == (byte)'*')
        {
            return 0;
        }

        ReadOnlySpan<byte> text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(result);
        if (text.Length > output.Length)
        {
            return 0;
        }

        for (int i = 0; i < text.Length; i++)
        {
            output[i] = (char)text[i];
        }

        return text.Length;
    }

    private static bool TryCopyAscii(ReadOnlySpan<char> text, Span<byte> destinationZ)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is '\0' or > '\x7f')
            {
                return false;
            }

            destinationZ[i] = (byte)text[i];
        }

        destinationZ[text.Length] = 0;
        return true;
    }

    private static bool Probe()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(LibXCrypt).Assembly, null, out nint handle))
        {
            return false;
        }

        if (!NativeLibrary.TryGetExport(handle, "crypt_rn", out _) ||
            !NativeLibrary.TryGetExport(handle, "crypt_gensalt_rn", out _))
        {
            return false;
        }

        try
        {
            Span<char> output = stackalloc char[128];
            int length = Crypt(KnownPhrase, KnownHash.AsSpan(0, 29), output);
            return output[..length].SequenceEqual(KnownHash);
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    // char *crypt_rn(const char *phrase, const char *setting, void *data, int size);
    [LibraryImport(LibraryName, EntryPoint = "crypt_rn")]
    private static partial byte* CryptRn(byte* phrase, byte* setting, void* data, int size);

    // char *crypt_gensalt_rn(const char *prefix, unsigned long count, const char *rbytes, int nrbytes,
    //                        char *output, int output_size);
    [LibraryImport(LibraryName, EntryPoint = "crypt_gensalt_rn")]
    private static partial byte* CryptGensaltRn(
        byte* prefix, CULong count, byte* randomBytes, int randomByteCount, byte* output, int outputSize);
}
