using System.Net;
using System.Net.Sockets;

namespace VllmAspire.Hosting.Orchestration;

/// <summary>Finds free loopback ports and checks fixed ones.</summary>
internal static class PortAllocator
{
    /// <summary>Gets a port that is free now, chosen by the operating system.</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Gets whether a loopback port can be bound now.</summary>
    public static bool IsFree(int port)
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

    /// <summary>The message for a fixed port that is taken: which resource, which endpoint, and how to fix it.</summary>
    public static string InUseMessage(string resourceName, string endpointName, int port) =>
        $"Resource '{resourceName}': port {port} of endpoint '{endpointName}' is already in use by another process. " +
        $"Stop that process (`ss -ltnp 'sport = :{port}'` shows it) or choose another port in WithHttpEndpoint(port: ...), or leave the port out to get a free one.";
}
