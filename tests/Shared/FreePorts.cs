using System.Net;
using System.Net.Sockets;

namespace Foresight.Testing;

/// <summary>
/// Loopback ports for the servers, silos and databases tests start. Asking the kernel for port 0 and releasing it
/// is not enough when one process starts several servers: Linux may hand the same ephemeral port out again (or to an
/// outgoing connection) before the child binds it, and two silos once ended up on one silo port. Ports here come from
/// below the ephemeral range (32768+), are never given twice in a process, and are checked free when given.
/// </summary>
internal static class FreePorts
{
    private const int First = 20_000;
    private const int End = 32_000;
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            for (var tries = 0; tries < 2_000; tries++)
            {
                var port = Random.Shared.Next(First, End);
                if (Given.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                Given.Add(port);
                return port;
            }

            throw new InvalidOperationException($"no free loopback port in {First}-{End - 1}");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
