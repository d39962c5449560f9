using System.Net;
using System.Net.Sockets;

namespace Archway.Interop.Tests.Harness;

/// <summary>Picks TCP ports for servers under test.</summary>
public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999), so that no client connection made meanwhile (the openstack CLI
    // makes many) can be given the port as its local end before the server binds it.
    private const int Low = 20000;
    private const int High = 32000;

    /// <summary>A port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int Pick()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(Low, High);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException($"no free port in {Low}-{High} after 100 tries");
    }
}
