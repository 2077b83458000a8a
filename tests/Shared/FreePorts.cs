using System.Net;
using System.Net.Sockets;

namespace Foresight.Testing;

/// <summary>
/// Loopback ports for the servers, silos and databases tests start. Asking the kernel for port 0 and releasing it
/// is not enough when one process starts several servers: Linux may hand the same ephemeral port out again (or to an
/// outgoing connection) before the child binds it, and two silos once ended up on one silo port. Ports here:
/// <list type="bullet">
/// <item>come from 30000–32699: above the ranges Orleans' <c>TestClusterPortAllocator</c> hands out (gateways
/// 12000–21999, silos 22300–29999; the PostgreSQL cluster tests use it) and below the kernel's ephemeral range
/// (32768+);</item>
/// <item>are reserved across processes: the test processes of one <c>dotnet test</c> run in parallel, and a port one
/// of them has picked is free until its child binds it, so each port given holds an exclusive lock on a file named
/// after it (<c>flock</c>, taken by <see cref="FileShare.None"/>) for the rest of the process's life; the kernel drops
/// the lock when the process exits, however it exits;</item>
/// <item>are never given twice in a process, and are checked free when given.</item>
/// </list>
/// </summary>
internal static class FreePorts
{
    private const int First = 30_000;
    private const int End = 32_700;
    private static readonly Dictionary<int, FileStream> Given = [];
    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "foresight-test-ports");

    public static int Next()
    {
        lock (Given)
        {
            Directory.CreateDirectory(LockDirectory);
            for (var tries = 0; tries < 5_000; tries++)
            {
                var port = Random.Shared.Next(First, End);
                if (Given.ContainsKey(port) || Reserve(port) is not { } reservation)
                {
                    continue;
                }

                if (!IsFree(port))
                {
                    reservation.Dispose();
                    continue;
                }

                Given.Add(port, reservation);
                return port;
            }

            throw new InvalidOperationException($"no free loopback port in {First}-{End - 1} ({Given.Count} given to this process; the others are bound or reserved by other test processes in {LockDirectory})");
        }
    }

    /// <summary>The port's lock file, held; null when another process holds it.</summary>
    private static FileStream? Reserve(int port)
    {
        try
        {
            return new FileStream(Path.Combine(LockDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
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
