using System.Net;
using System.Net.Sockets;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>
/// The stable address of a replicated endpoint: accepts connections on one port and forwards each to a running
/// replica in turn, as Aspire's DCP proxy does. A replica that refuses is skipped.
/// </summary>
internal sealed class EndpointProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<IReadOnlyList<int>> _targets;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private int _next;

    private EndpointProxy(TcpListener listener, Func<IReadOnlyList<int>> targets)
    {
        _listener = listener;
        _targets = targets;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Gets the port the proxy listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts a proxy on a loopback port (0 = a free one) forwarding to the ports <paramref name="targets"/> returns.</summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    public static EndpointProxy Start(int port, Func<IReadOnlyList<int>> targets)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(backlog: 512);
        return new EndpointProxy(listener, targets);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            using var upstream = await ConnectAsync().ConfigureAwait(false);
            if (upstream is null)
            {
                return;
            }

            client.NoDelay = true;
            upstream.NoDelay = true;
            var token = _stopping.Token;
            var down = client.GetStream();
            var up = upstream.GetStream();
            try
            {
                var toUpstream = CopyThenShutdownAsync(down, upstream.Client, up, token);
                var toClient = CopyThenShutdownAsync(up, client.Client, down, token);
                await Task.WhenAll(toUpstream, toClient).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away; closing both is all there is to do.
            }
        }
    }

    private static async Task CopyThenShutdownAsync(Stream from, Socket toSocket, Stream to, CancellationToken token)
    {
        await from.CopyToAsync(to, token).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    private async Task<TcpClient?> ConnectAsync()
    {
        var targets = _targets();
        for (var attempt = 0; attempt < targets.Count; attempt++)
        {
            var port = targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Count)];
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, port, _stopping.Token).ConfigureAwait(false);
                return upstream;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                upstream.Dispose();
            }
        }

        return null;
    }
}
