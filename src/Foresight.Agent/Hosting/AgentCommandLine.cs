namespace Foresight.Agent.Hosting;

/// <summary>The agent's flags: each maps to a key of the <c>Agent</c> configuration section.</summary>
public static class AgentCommandLine
{
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--id"] = "Agent:Id",
        ["--pool"] = "Agent:Pool",
        ["--labels"] = "Agent:Labels",
        ["--cpu"] = "Agent:Cpu",
        ["--memory-mb"] = "Agent:MemoryMb",
        ["--work-dir"] = "Agent:WorkDir",
        ["--run-as"] = "Agent:RunAs",
        ["--actions-cache"] = "Foresight:Actions:CacheDirectory",
        ["--server"] = "Agent:Server",
        ["--registration-token"] = "Agent:RegistrationToken",
        ["--registration-token-file"] = "Agent:RegistrationTokenFile",
        ["--ca-cert"] = "Agent:CaCert",
        ["--shutdown-timeout"] = "Agent:ShutdownTimeout",
        ["--default-timeout"] = "Agent:DefaultJobTimeout",
        ["--heartbeat"] = "Agent:HeartbeatPeriod",
    };

    public const string Usage = """
        Usage: dotnet Foresight.Agent.dll [flags]

          --server URL[,URL]               the server's HTTPS addresses, one per silo for fail-over
                                           (default http://127.0.0.1:5080)
          --registration-token TOKEN       registration token (or FORESIGHT_AGENT_REGISTRATION_TOKEN,
                                           or --registration-token-file PATH); required
          --ca-cert PATH                   PEM of a private CA to trust for the server's certificate
          --id ID                          worker id (default <hostname>-<pid>)
          --pool NAME                      worker pool (default 'default')
          --labels a,b                     runs-on labels (default <os>,<arch>, e.g. linux,x64)
          --cpu N                          CPU cores offered (default: the processor count)
          --memory-mb N                    memory offered in MiB (default: MemTotal of /proc/meminfo)
          --work-dir PATH                  where job workspaces are made (default <temp>/foresight-agent/<id>)
          --run-as USER                    user jobs run as (default: foresight-job when run as root, else this user)
          --actions-cache DIR              action cache for uses: owner/repo@ref (DIR/owner/repo/ref/; Foresight:Actions:CacheDirectory)
          --shutdown-timeout 10m           how long SIGTERM waits for the running job (default 10m)
          --default-timeout 1h             timeout of a job that names none (default 1h)
          --heartbeat 3s                   heartbeat period (default 3s)
          --help                           this text

        Every flag is also a setting: Agent:<Name> in configuration, FORESIGHT_Agent__<Name> in the environment.

        """;

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Flags of the Orleans-client agent, gone since agents speak HTTPS to the gateway.</summary>
    public static readonly IReadOnlySet<string> Retired = new HashSet<string>(StringComparer.Ordinal) { "--gateway", "--cluster-id", "--service-id", "--clustering" };

    /// <summary>The first argument that looks like a flag but is not one (configuration keys with ':' pass).</summary>
    public static string? UnknownFlag(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            if (!arg.StartsWith('-') || (arg.Length > 1 && (char.IsAsciiDigit(arg[1]) || arg[1] == '.')))
            {
                continue; // a value (negative numbers included)
            }

            var name = arg.Split('=', 2)[0];
            if (!SwitchMappings.ContainsKey(name) && !name.Contains(':', StringComparison.Ordinal))
            {
                return name;
            }
        }

        return null;
    }
}
