using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foresight.Persistence;
using Npgsql;

namespace Foresight.Integration.Tests.Support;

/// <summary>
/// A throw-away PostgreSQL server: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on a free loopback
/// port (TCP only, password login), disposed by stopping it and deleting the directory. Uses the server binaries of
/// the Debian <c>postgresql</c> package (<c>/usr/lib/postgresql/N/bin</c>), or <c>FORESIGHT_PG_BIN</c>, or PATH.
/// PostgreSQL refuses to run as root, so as root every server command runs as the <c>postgres</c> user (runuser).
/// Shared by the integration tests and the load benchmark (linked source file).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Username = "foresight";

    private readonly string _root;
    private readonly string _data;
    private readonly string _log;
    private bool _running;

    private PostgresServer(string binDirectory, string root, int port, string password)
    {
        BinDirectory = binDirectory;
        _root = root;
        _data = Path.Combine(root, "data");
        _log = Path.Combine(root, "postgres.log");
        Port = port;
        Password = password;
    }

    public string BinDirectory { get; }

    public int Port { get; }

    public string Password { get; }

    /// <summary>The server's log so far (for failure messages).</summary>
    public string Log => File.Exists(_log) ? ReadShared(_log) : string.Empty;

    /// <summary>
    /// Starts a server. <paramref name="durable"/>: every commit waits for its WAL flush (PostgreSQL's default, used
    /// by the benchmark so its figures are honest); otherwise <c>synchronous_commit=off</c>, which the tests use
    /// for speed: a crash of PostgreSQL itself could lose the last few hundred ms, which no test provokes.
    /// fsync stays on either way.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable = false, int maxConnections = 300)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(MissingMessage());
        string root;
        if (OperatingSystem.IsLinux() && IsRoot)
        {
            // initdb runs as postgres: it must reach this directory (under /tmp, whatever TMPDIR says), create data/
            // in it and write its log there.
            root = Path.Combine("/tmp", $"foresight-pg-{Guid.NewGuid():n}");
            Directory.CreateDirectory(root);
            File.SetUnixFileMode(root, (UnixFileMode)0x1FF); // 0777
        }
        else
        {
            root = Directory.CreateTempSubdirectory("foresight-pg-").FullName;
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var server = new PostgresServer(bin, root, FreePort(), password);
        try
        {
            await server.InitAsync(durable, maxConnections);
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/>; <paramref name="password"/> overrides the real one (to test a wrong one).</summary>
    public string ConnectionString(string database, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = Username,
            Password = password ?? Password,
            Timeout = 15,
        }.ConnectionString;

    /// <summary>Creates an empty database; with <paramref name="schema"/> also applies Foresight's schema. Returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, bool schema = true)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var cs = ConnectionString(name);
        if (schema)
        {
            await PostgresSchema.ApplyAsync(cs);
        }

        return cs;
    }

    /// <summary>Starts the (stopped) server again on the same port and data.</summary>
    public async Task StartAsync()
    {
        await RunServerToolAsync("pg_ctl", "-D", _data, "-l", _log, "-w", "-t", "60", "start");
        _running = true;
    }

    /// <summary>Stops the server: <c>fast</c> (clean) or <c>immediate</c> (as if it crashed).</summary>
    public async Task StopAsync(string mode = "fast")
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        NpgsqlConnection.ClearAllPools();
        await RunServerToolAsync("pg_ctl", "-D", _data, "-m", mode, "-w", "-t", "60", "stop");
    }

    /// <summary>Runs a client tool of this installation (e.g. pgbench) against <paramref name="database"/>; returns its standard output.</summary>
    public Task<string> RunClientToolAsync(string database, string tool, params string[] args) =>
        RunClientToolAsync(BinDirectory, ConnectionString(database), tool, args);

    /// <summary>
    /// Runs a PostgreSQL client tool (from <paramref name="binDirectory"/> if it has it, else from PATH) against the
    /// server and database of <paramref name="connectionString"/> (passed as PG* environment variables).
    /// </summary>
    public static Task<string> RunClientToolAsync(string? binDirectory, string connectionString, string tool, params string[] args)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = target.Host ?? "127.0.0.1",
            ["PGPORT"] = target.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = target.Username ?? Username,
            ["PGPASSWORD"] = target.Password ?? string.Empty,
            ["PGDATABASE"] = target.Database ?? string.Empty,
        };
        var path = binDirectory is null ? tool : Path.Combine(binDirectory, tool);
        return RunAsync(File.Exists(path) ? path : tool, args, environment, asPostgres: false, Path.GetTempPath(), log: null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // Already gone; the directory goes anyway.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp directory is cleaned by the OS eventually.
        }
    }

    /// <summary>Why no server can be started here, or null when one can.</summary>
    public static string? WhyUnavailable() => FindBinDirectory() is null ? MissingMessage() : null;

    // Environment.UserName is the effective user on Unix.
    private static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    private async Task InitAsync(bool durable, int maxConnections)
    {
        var pwfile = Path.Combine(_root, "pwfile");
        await File.WriteAllTextAsync(pwfile, Password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pwfile, (UnixFileMode)0x1A4); // 0644: initdb may run as postgres
        }

        await RunServerToolAsync(
            "initdb", "-D", _data, "-U", Username, "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
            "--encoding=UTF8", "--locale=C", "--no-sync");
        File.Delete(pwfile);

        var settings = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"port = {Port}")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine("unix_socket_directories = ''")
            .AppendLine(CultureInfo.InvariantCulture, $"max_connections = {maxConnections}")
            .AppendLine("fsync = on")
            .AppendLine(durable ? "synchronous_commit = on" : "synchronous_commit = off")
            .AppendLine("log_min_messages = warning");
        await File.AppendAllTextAsync(Path.Combine(_data, "postgresql.conf"), settings.ToString());
    }

    private Task<string> RunServerToolAsync(string tool, params string[] args) =>
        RunAsync(Path.Combine(BinDirectory, tool), args, null, asPostgres: IsRoot, _root, () => Log);

    private static async Task<string> RunAsync(string file, string[] args, Dictionary<string, string>? environment, bool asPostgres, string workingDirectory, Func<string>? log)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}\n{log?.Invoke()}");
        }

        return await stdout;
    }

    private static string? FindBinDirectory()
    {
        static bool HasServer(string? dir) => dir is not null && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        var configured = Environment.GetEnvironmentVariable("FORESIGHT_PG_BIN");
        if (HasServer(configured))
        {
            return configured;
        }

        // Debian installs server binaries outside PATH, one directory per major version: take the newest.
        const string debian = "/usr/lib/postgresql";
        if (Directory.Exists(debian))
        {
            var newest = Directory.GetDirectories(debian)
                .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => x.Major >= 15 && HasServer(x.Dir))
                .OrderByDescending(x => x.Major)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServer);
    }

    private static string MissingMessage() =>
        "PostgreSQL 15+ server binaries (initdb, pg_ctl) not found in $FORESIGHT_PG_BIN, /usr/lib/postgresql/*/bin or PATH. " +
        "Install them (Debian: apt-get install -y postgresql; .ci/run does this) or point FORESIGHT_PG_BIN at their directory.";

    private static int FreePort()
    {
        return Foresight.Testing.FreePorts.Next();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
