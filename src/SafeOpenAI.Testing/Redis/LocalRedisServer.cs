using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SafeOpenAI.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free 127.0.0.1 port with its own temporary directory,
/// for integration tests of SafeOpenAI.Redis: start it, point a Redis client at
/// <see cref="Configuration"/>, kill it (SIGKILL) and restart it on the same port and directory to
/// test outages, and dispose it to stop the process and delete the directory.
/// </summary>
/// <remarks>
/// <para>
/// Needs the <c>redis-server</c> executable (Debian package <c>redis-server</c>, installed by
/// <c>eng/install-prerequisites.sh</c>) on the <c>PATH</c> or in <c>/usr/bin</c> or
/// <c>/usr/local/bin</c>. The server binds 127.0.0.1 only, has no password, never writes RDB
/// snapshots (<c>--save ""</c>), and uses the append-only file with <c>appendfsync always</c> only
/// when <see cref="StartAsync"/> is asked to, so that data written before a kill survives a restart.
/// </para>
/// <para>
/// The class speaks only enough of the Redis protocol to wait until the server answers
/// <c>PING</c>; it depends on no Redis client library. Thread-safe; one instance controls one
/// server process.
/// </para>
/// </remarks>
public sealed class LocalRedisServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private readonly string _executable;
    private readonly LocalServerLifecycle _lifecycle;
    private readonly bool _appendOnly;
    private Process? _process;

    private LocalRedisServer(string executable, string directory, int port, bool appendOnly)
    {
        _executable = executable;
        Directory = directory;
        Port = port;
        _appendOnly = appendOnly;
        _lifecycle = new LocalServerLifecycle(this);
    }

    /// <summary>Gets the TCP port the server listens on, on 127.0.0.1; it stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>Gets the server's working directory (append-only file, log); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>Gets a StackExchange.Redis configuration string for the server: <c>127.0.0.1:PORT</c>.</summary>
    public string Configuration => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Gets a value indicating whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free loopback port and waits until it answers <c>PING</c>.</summary>
    /// <param name="appendOnly">
    /// <see langword="true"/> to persist every write to the append-only file before it is
    /// acknowledged (<c>--appendonly yes --appendfsync always</c>), so that a <see cref="KillAsync"/>
    /// followed by <see cref="RestartAsync"/> keeps all acknowledged data; <see langword="false"/>
    /// (default) for a purely in-memory server.
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException"><c>redis-server</c> is not installed, or it did not start within 20 seconds.</exception>
    public static async Task<LocalRedisServer> StartAsync(bool appendOnly = false, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server was not found on the PATH, in /usr/bin or in /usr/local/bin; run eng/install-prerequisites.sh (Debian package redis-server).");
        var directory = System.IO.Directory.CreateTempSubdirectory("safeopenai-redis-").FullName;
        var server = new LocalRedisServer(executable, directory, LocalServerFolders.FreeLoopbackPort(), appendOnly);
        try
        {
            await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server process with SIGKILL, as a crash would, and waits until it has exited.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the process is gone.</returns>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Task KillAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.RunAsync(KillProcessAsync, cancellationToken);

    /// <summary>
    /// Starts the server again on the same port with the same directory (killing it first if it
    /// still runs) and waits until it answers <c>PING</c>, which includes loading the append-only
    /// file. Script caches and, without the append-only file, all data are gone, as after a real restart.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    /// <exception cref="InvalidOperationException">The server did not start within 20 seconds.</exception>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.RunAsync(
            async token =>
            {
                await KillProcessAsync(token).ConfigureAwait(false);
                await StartProcessAsync(token).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Stops the server process (SIGKILL) and deletes its directory. Calling it again does nothing.</summary>
    /// <returns>A task that completes when the process is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (await _lifecycle.DisposeAsync(() => KillProcessAsync(CancellationToken.None)).ConfigureAwait(false))
        {
            LocalServerFolders.TryDelete(Directory);
        }
    }

    private static string? FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/bin", "/usr/local/bin"]))
        {
            var candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        string[] arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", string.Empty,
            "--appendonly", _appendOnly ? "yes" : "no",
            "--appendfsync", "always",
            "--daemonize", "no",
            "--protected-mode", "no",
            "--logfile", Path.Combine(Directory, "redis.log"),
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server could not be started.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {process.ExitCode} while starting on port {Port}; see {Path.Combine(Directory, "redis.log")}.");
            }

            if (await AnswersPingAsync(timeout.Token).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port} within {s_startTimeout.TotalSeconds:0} s.");
            }
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task KillProcessAsync(CancellationToken cancellationToken)
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Unix: no shutdown, no final save.
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
