using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Archway.Identity.Tokens;

/// <summary>chown(2), which .NET has no API for; keystone-manage's <c>--keystone-user/--keystone-group</c>.</summary>
internal static partial class UnixOwnership
{
    public static void Change(string path, int uid, int gid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Changing the owner of a key file needs a Unix system.");
        }

        if (Chown(path, uid, gid) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"chown {uid}:{gid} {path} failed: {new Win32Exception(error).Message}", error);
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
