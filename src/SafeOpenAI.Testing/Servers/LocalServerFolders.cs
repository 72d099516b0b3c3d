using System.Net;
using System.Net.Sockets;

namespace SafeOpenAI.Testing;

/// <summary>What the private test servers (<see cref="LocalRedisServer"/>, <see cref="LocalPostgreSqlServer"/>) share: a free loopback port and the removal of their temporary folder.</summary>
internal static class LocalServerFolders
{
    /// <summary>Asks the operating system for a free TCP port on 127.0.0.1.</summary>
    /// <returns>The port; free when returned, so start the server on it at once.</returns>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Deletes a server's temporary folder; a folder that cannot be deleted is left behind, which is harmless.</summary>
    /// <param name="directory">The folder.</param>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
