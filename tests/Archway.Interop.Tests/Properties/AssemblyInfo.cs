using System.Runtime.Versioning;

// The interop tests drive Debian's openstack CLI through a Linux pseudo-terminal and check POSIX file modes.
[assembly: SupportedOSPlatform("linux")]
