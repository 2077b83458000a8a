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
        ["--tls-cert"] = "Agent:TlsCertificate",
        ["--tls-key"] = "Agent:TlsKey",
        ["--tls-ca"] = "Agent:TlsCa",
        ["--gateway"] = "Agent:Gateway",
        ["--cluster-id"] = "Agent:ClusterId",
        ["--service-id"] = "Agent:ServiceId",
        ["--clustering"] = "Agent:Clustering",
        ["--shutdown-timeout"] = "Agent:ShutdownTimeout",
        ["--default-timeout"] = "Agent:DefaultJobTimeout",
        ["--heartbeat"] = "Agent:HeartbeatPeriod",
    };

    public const string Usage = """
        Usage: dotnet Foresight.Agent.dll [flags]

          --gateway host:port[,host:port]  cluster gateways (default 127.0.0.1:30000)
          --id ID                          worker id (default <hostname>-<pid>)
          --pool NAME                      worker pool (default 'default')
          --labels a,b                     runs-on labels (default <os>,<arch>, e.g. linux,x64)
          --cpu N                          CPU cores offered (default: the processor count)
          --memory-mb N                    memory offered in MiB (default: MemTotal of /proc/meminfo)
          --work-dir PATH                  where job workspaces are made (default <temp>/foresight-agent/<id>)
          --run-as USER                    user jobs run as (default: foresight-job when run as root, else this user)
          --cluster-id ID, --service-id ID must match the cluster's (default foresight, foresight)
          --tls-cert F --tls-key F --tls-ca F  PEM certificate, key and cluster CA, when the silos run TLS
          --shutdown-timeout 10m           how long SIGTERM waits for the running job (default 10m)
          --default-timeout 1h             timeout of a job that names none (default 1h)
          --heartbeat 3s                   heartbeat period (default 3s)
          --help                           this text

        Every flag is also a setting: Agent:<Name> in configuration, FORESIGHT_Agent__<Name> in the environment.

        """;

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

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
