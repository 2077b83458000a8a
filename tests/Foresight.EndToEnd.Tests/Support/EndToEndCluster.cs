using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Foresight.Client;
using Foresight.Server.Tests.Support;

namespace Foresight.EndToEnd.Tests.Support;

/// <summary>
/// A Foresight server process (no local workers) and agent processes registered over its HTTP gateway with a
/// registration token, all on loopback, plus the <c>foresight</c> CLI run as a process against it. Everything real: the agents run the jobs'
/// shell steps; only the test drives.
/// </summary>
public sealed class EndToEndCluster : IAsyncDisposable
{
    public const string Token = "end-to-end-admin-token-0123456789abcdef";

    /// <summary>The registration token agents register with.</summary>
    public const string RegistrationToken = "end-to-end-registration-token-0123456789";

    private readonly List<ChildProcess> _agents = [];
    private readonly string _root;

    private EndToEndCluster(ChildProcess server, Uri baseAddress, string root)
    {
        _root = root;
        Server = server;
        BaseAddress = baseAddress;
        Client = new ForesightClient(baseAddress, Token);
    }

    public ChildProcess Server { get; }

    public Uri BaseAddress { get; }

    public ForesightClient Client { get; }

    public IReadOnlyList<ChildProcess> Agents => _agents;

    /// <summary>The agents' action cache (<c>--actions-cache</c>), if any.</summary>
    private string? _actionCache;

    /// <summary>Starts the server, waits for /healthz, then starts <paramref name="agents"/> agents named agent-1…n
    /// and waits until all are registered; <paramref name="serverArgs"/> are more server settings (<c>--key=value</c>).</summary>
    public static async Task<EndToEndCluster> StartAsync(int agents, string? actionCache = null, IEnumerable<string>? serverArgs = null)
    {
        var http = ChildProcess.FreePort();
        var root = Path.Combine(Path.GetTempPath(), $"foresight-e2e-{Guid.NewGuid():n}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Token)));
        var server = ChildProcess.Start("Foresight.Server.dll", "server",
        [
            "--urls", $"http://127.0.0.1:{http}",
            "--local-workers", "0",
            "--silo-port", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--data-dir", Path.Combine(root, "server"),
            $"--Foresight:Gateway:Tokens:e2e:Sha256={hash}",
            "--Foresight:Gateway:Tokens:e2e:Scopes=admin",
            "--Foresight:Agents:RegistrationTokens:e2e:Pools=default",
            $"--Foresight:Agents:RegistrationTokens:e2e:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RegistrationToken)))}",
            // A killed agent is noticed after 4 s without heartbeats (agents beat every second).
            "--Foresight:HeartbeatTimeout=00:00:04",
            "--Foresight:HeartbeatCheckPeriod=00:00:01",
            .. serverArgs ?? [],
        ]);
        var cluster = new EndToEndCluster(server, new Uri($"http://127.0.0.1:{http}"), root) { _actionCache = actionCache };
        try
        {
            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(90));
            for (var i = 1; i <= agents; i++)
            {
                cluster.StartAgent($"agent-{i}");
            }

            await cluster.WaitForWorkersAsync(agents, TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public ChildProcess StartAgent(string id)
    {
        var agent = ChildProcess.Start("Foresight.Agent.dll", id,
        [
            "--server", BaseAddress.AbsoluteUri,
            "--id", id,
            "--pool", "default",
            "--labels", "linux,x64",
            "--cpu", "1",
            "--memory-mb", "2048",
            "--work-dir", Path.Combine(_root, id),
            "--heartbeat", "1s",
            "--shutdown-timeout", "2m",
            .. _actionCache is null ? Array.Empty<string>() : ["--actions-cache", _actionCache],
        ], new Dictionary<string, string> { ["FORESIGHT_AGENT_REGISTRATION_TOKEN"] = RegistrationToken });
        _agents.Add(agent);
        return agent;
    }

    public async Task WaitForWorkersAsync(int healthy, TimeSpan deadline)
    {
        await Eventually.ReturnsAsync(
            async () =>
            {
                if (_agents.FirstOrDefault(a => a.HasExited) is { } dead)
                {
                    Assert.Fail($"{dead.Name} exited, {dead.ExitReport()}");
                }

                return (await Client.GetWorkersAsync()).Count(w => w.State is "Available" or "Busy");
            },
            n => n >= healthy,
            deadline,
            $"{healthy} registered workers (server log:\n{Server.Log}\nagents:\n{string.Join('\n', _agents.Select(a => a.Log))})");
    }

    /// <summary>Runs the <c>foresight</c> CLI as a process against this server.</summary>
    public Task<(int ExitCode, string Output)> CliAsync(TimeSpan deadline, params string[] args) =>
        ChildProcess.RunAsync("foresight.dll", args, new Dictionary<string, string>
        {
            ["FORESIGHT_SERVER"] = BaseAddress.AbsoluteUri,
            ["FORESIGHT_TOKEN"] = Token,
        }, deadline);

    public string Logs => $"server:\n{Server.Log}\n" + string.Join('\n', _agents.Select(a => $"{a.Name}:\n{a.Log}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitHealthyAsync(TimeSpan deadline)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.ReturnsAsync(
            async () =>
            {
                if (Server.HasExited)
                {
                    Assert.Fail($"server exited, {Server.ExitReport()}");
                }
                return await Foresight.Testing.HealthProbe.StatusAsync(http);
            },
            status => status == HttpStatusCode.OK,
            deadline,
            "server healthy");
    }
}
