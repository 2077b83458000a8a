using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Foresight.Client.Tests.Transport;

/// <summary>
/// A raw TCP server on loopback that answers every log request with the start of a line and then closes the
/// connection in an orderly way (FIN after the data), so the client certainly read the bytes before the drop.
/// Kestrel's abort resets the connection, which may discard bytes the client had not read yet.
/// </summary>
public sealed class HalfLineServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public HalfLineServer()
    {
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri BaseAddress { get; }

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                         + "X-Foresight-Attempt: 1\r\nX-Foresight-Offset: 0\r\n\r\n5\r\nhalf \r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
            socket.Shutdown(SocketShutdown.Send);

            // Wait for the client to close its side, so the close is orderly on both.
            while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
    }
}
