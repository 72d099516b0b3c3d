using System.Diagnostics;
using System.Globalization;

namespace SafeOpenAI.Testing;

/// <summary>
/// A private PostgreSQL server for integration tests: <c>initdb</c> into a fresh temporary folder,
/// the <c>postgres</c> server on a free 127.0.0.1 port, databases created on demand
/// (<see cref="CreateDatabaseAsync"/>), and everything stopped and deleted on dispose. Nothing of the
/// machine's own PostgreSQL cluster is touched.
/// </summary>
/// <remarks>
/// <para>
/// Needs the server binaries of Debian's <c>postgresql</c> package (<c>/usr/lib/postgresql/&lt;major&gt;/bin</c>,
/// the newest major is taken; installed by <c>eng/install-prerequisites.sh</c>) or <c>initdb</c>,
/// <c>pg_ctl</c>, <c>postgres</c> and <c>createdb</c> on the <c>PATH</c>. PostgreSQL refuses to run as
/// root, so under root the folder is given to the <c>postgres</c> account the package creates and every
/// server program runs as that account through <c>setpriv</c>.
/// </para>
/// <para>
/// The server is made for tests: <c>trust</c> authentication for the <c>postgres</c> superuser on
/// loopback only, <c>fsync=off</c> and <c>full_page_writes=off</c> (a crash of the machine may lose it,
/// which a temporary server does not mind), at most 300 connections. Commits stay synchronous, so a
/// commit acknowledged before <see cref="KillAsync"/> is there after <see cref="RestartAsync"/>, as on
/// a production server. Thread-safe; one instance controls one server.
/// </para>
/// </remarks>
public sealed class LocalPostgreSqlServer : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const string ServiceAccount = "postgres";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly string _binDirectory;
    private readonly bool _dropPrivileges;
    private readonly LocalServerLifecycle _lifecycle;
    private int _databases;

    private LocalPostgreSqlServer(string binDirectory, string directory, int port, bool dropPrivileges)
    {
        _binDirectory = binDirectory;
        Directory = directory;
        Port = port;
        _dropPrivileges = dropPrivileges;
        _lifecycle = new LocalServerLifecycle(this);
    }

    /// <summary>Gets the TCP port the server listens on, on 127.0.0.1; it stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>Gets the server's temporary folder (data directory, socket, log); deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>Gets the path of the server's log file, to read when a test fails.</summary>
    public string LogPath => Path.Combine(Directory, "postgres.log");

    /// <summary>Gets an Npgsql connection string for the <c>postgres</c> maintenance database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>Starts a server on a free loopback port and waits until it accepts connections.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, <c>initdb</c> failed, or the server did not accept connections within 60 seconds; the message names the log to read.</exception>
    public static async Task<LocalPostgreSqlServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found in /usr/lib/postgresql/<major>/bin or on the PATH; run eng/install-prerequisites.sh (Debian package postgresql).");
        var dropPrivileges = Environment.UserName == "root";
        var directory = System.IO.Directory.CreateTempSubdirectory("safeopenai-postgres-").FullName;
        var server = new LocalPostgreSqlServer(binDirectory, directory, LocalServerFolders.FreeLoopbackPort(), dropPrivileges);
        try
        {
            if (dropPrivileges)
            {
                await RunAsync("chown", ["-R", ServiceAccount + ":", directory], cancellationToken).ConfigureAwait(false);
            }

            await server.RunServerProgramAsync(
                "initdb",
                ["-D", server.DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                cancellationToken).ConfigureAwait(false);
            await server.StartServerAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a new, empty database with a unique name and returns its connection string.</summary>
    /// <param name="prefix">The start of the name: lower-case letters, digits and underscores; default <c>test</c>.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>An Npgsql connection string (<c>Host=127.0.0.1;Port=...;Username=postgres;Database=...</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> has other characters or is longer than 40.</exception>
    /// <exception cref="InvalidOperationException"><c>createdb</c> failed.</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task<string> CreateDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        _lifecycle.ThrowIfDisposed();
        if (prefix.Length is 0 or > 40 || !prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            throw new ArgumentException($"A database name prefix is 1 to 40 lower-case letters, digits or underscores; '{prefix}' is not.", nameof(prefix));
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databases)}");
        await RunServerProgramAsync(
            "createdb",
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser, name],
            cancellationToken).ConfigureAwait(false);
        return ConnectionStringFor(name);
    }

    /// <summary>Returns the connection string of a database of this server.</summary>
    /// <param name="database">The database name.</param>
    /// <returns>An Npgsql connection string.</returns>
    public string ConnectionStringFor(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={SuperUser};Database={database}");

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>, as a crash would) and waits until it is down.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server is down.</returns>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public Task KillAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.RunAsync(token => StopServerAsync("immediate", token), cancellationToken);

    /// <summary>Starts the server again on the same port and data directory (stopping it first if it runs), and waits until it accepts connections.</summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    /// <exception cref="InvalidOperationException">The server did not start within 60 seconds.</exception>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        _lifecycle.RunAsync(
            async token =>
            {
                await StopServerAsync("immediate", token).ConfigureAwait(false);
                await StartServerAsync(token).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>) and deletes its folder. Calling it again does nothing.</summary>
    /// <returns>A task that completes when the server is down and the folder deleted.</returns>
    public async ValueTask DisposeAsync()
    {
        var first = await _lifecycle.DisposeAsync(async () =>
        {
            try
            {
                await StopServerAsync("fast", CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The server never started, or is already down: nothing to stop.
            }
        }).ConfigureAwait(false);
        if (first)
        {
            LocalServerFolders.TryDelete(Directory);
        }
    }

    private string DataDirectory => Path.Combine(Directory, "data");

    private static string? FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            var newest = System.IO.Directory.EnumerateDirectories(debianRoot)
                .Select(path => (Path: Path.Combine(path, "bin"), Major: int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : -1))
                .Where(candidate => candidate.Major >= 0 && File.Exists(Path.Combine(candidate.Path, "initdb")))
                .OrderByDescending(candidate => candidate.Major)
                .FirstOrDefault();
            if (newest.Path is not null)
            {
                return newest.Path;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")));
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var text = (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', info.ArgumentList)} exited with code {process.ExitCode}: {text.Trim()}");
        }

        return text;
    }

    private Task<string> RunServerProgramAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory, program);
        return _dropPrivileges
            ? RunAsync("setpriv", ["--reuid=" + ServiceAccount, "--regid=" + ServiceAccount, "--init-groups", "--", executable, .. arguments], cancellationToken)
            : RunAsync(executable, arguments, cancellationToken);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var serverOptions = $"-p {port} -k {Directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off";
        try
        {
            await RunServerProgramAsync(
                "pg_ctl",
                ["start", "-D", DataDirectory, "-l", LogPath, "-w", "-t", s_startTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture), "-o", serverOptions],
                cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"PostgreSQL did not start on 127.0.0.1:{port}; see {LogPath}. {e.Message}", e);
        }
    }

    private async Task StopServerAsync(string mode, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        await RunServerProgramAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", mode, "-w"], cancellationToken).ConfigureAwait(false);
    }
}
