using System.Net;
using System.Net.Sockets;

namespace VllmAspire.Testing.Processes;

/// <summary>
/// Loopback ports for tests that run beside every other test project's processes. A port a test picks and lets go is
/// free only until something else binds it, so a child that can bind port 0 does and names its port
/// (<see cref="TestProcess.WaitForListeningUrlAsync"/>). The two cases that need the number in advance come here: a
/// port that must refuse connections is held (<see cref="Refusing"/>), and a child that must be told its port before
/// it starts is started again on another when its port was taken first (<see cref="StartAsync"/>).
/// </summary>
public static class LoopbackPort
{
    /// <summary>How many ports <see cref="StartAsync"/> tries; the last attempt goes to the test whatever its outcome.</summary>
    public const int Attempts = 5;

    /// <summary>
    /// Holds a port without listening on it: connections to it on 127.0.0.1 or ::1 are refused, and no other process
    /// can listen on it, until the result is disposed.
    /// </summary>
    /// <returns>The held port.</returns>
    public static RefusingPort Refusing() => new();

    /// <summary>
    /// Starts a child that must be told its port in advance on a free loopback port, and again on another when it could
    /// not bind it (its output says "address already in use": something took the port between the pick and the bind).
    /// </summary>
    /// <param name="start">Starts the child on the port.</param>
    /// <param name="bound">Completes once the child has bound its port or failed to (it wrote its listening line, or exited).</param>
    /// <returns>The child and its port.</returns>
    public static async Task<(TestProcess Process, int Port)> StartAsync(Func<int, TestProcess> start, Func<TestProcess, Task> bound)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(bound);
        for (var attempt = 1; ; attempt++)
        {
            var port = Free();
            var process = start(port);
            try
            {
                await bound(process).ConfigureAwait(false);
            }
            catch
            {
                await process.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            if (attempt == Attempts || !process.Lines.Any(l => l.Text.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                return (process, port);
            }

            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A loopback port held without listening (<see cref="LoopbackPort.Refusing"/>).</summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket;

    internal RefusingPort()
    {
        // Dual-stack on the wildcard address where IPv6 exists, so localhost's ::1 is held as well as 127.0.0.1.
        _socket = Socket.OSSupportsIPv6
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Linux lets another socket bind a bound port only when both set SO_REUSEADDR: this one does not.
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>Gets the port.</summary>
    public int Port { get; }

    /// <summary>Lets the port go.</summary>
    public void Dispose() => _socket.Dispose();
}
