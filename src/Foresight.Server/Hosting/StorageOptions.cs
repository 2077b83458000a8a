using System.Net;

namespace Foresight.Server.Hosting;

/// <summary>
/// Where the silo keeps its state and how it finds the rest of its cluster (section <c>Storage</c>; environment
/// <c>FORESIGHT_Storage__…</c>; the switches in <see cref="Switches"/>). The connection string is
/// <c>ConnectionStrings:Foresight</c> (<c>--connection</c>, environment <c>FORESIGHT_ConnectionStrings__Foresight</c>).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string ConnectionStringName = "Foresight";

    public const string Memory = "memory";

    public const string Postgres = "postgres";

    /// <summary>Command-line switches → configuration keys (a new dictionary each time, for <c>AddCommandLine</c>).</summary>
    public static IDictionary<string, string> Switches => new Dictionary<string, string>
    {
        ["--storage"] = $"{Section}:{nameof(Provider)}",
        ["--connection"] = $"ConnectionStrings:{ConnectionStringName}",
        ["--cluster-id"] = $"{Section}:{nameof(ClusterId)}",
        ["--service-id"] = $"{Section}:{nameof(ServiceId)}",
        ["--silo-name"] = $"{Section}:{nameof(SiloName)}",
        ["--advertised-ip"] = $"{Section}:{nameof(AdvertisedIp)}",
        ["--db-init"] = $"{Section}:{nameof(InitializeSchema)}",
    };

    /// <summary><c>memory</c> (one process, forgets everything when it ends) or <c>postgres</c> (a durable cluster of silo processes).</summary>
    public string Provider { get; set; } = Memory;

    /// <summary>The cluster silos join; silos of one cluster share membership (Orleans <c>ClusterOptions.ClusterId</c>).</summary>
    public string ClusterId { get; set; } = "foresight";

    /// <summary>Whose state this is; it survives redeployments under a new cluster id (Orleans <c>ClusterOptions.ServiceId</c>).</summary>
    public string ServiceId { get; set; } = "foresight";

    /// <summary>This silo's name in membership and the dashboard; default the <c>POD_NAME</c> environment variable, else Orleans' default.</summary>
    public string? SiloName { get; set; }

    /// <summary>The address other silos and clients reach this silo at; default the <c>POD_IP</c> environment variable, else the host's address.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Apply the schema scripts the database lacks before starting (<c>--db-init true</c>); otherwise a missing or older schema stops the start.</summary>
    public bool InitializeSchema { get; set; }

    /// <summary>Reads the section, the connection string and the Kubernetes downward-API variables (<c>POD_NAME</c>, <c>POD_IP</c>).</summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<StorageOptions>() ?? new StorageOptions();
        options.ConnectionString = configuration.GetConnectionString(ConnectionStringName);
        options.SiloName ??= NullIfBlank(configuration["POD_NAME"]);
        options.AdvertisedIp ??= NullIfBlank(configuration["POD_IP"]);
        return options;
    }

    /// <summary>From <c>ConnectionStrings:Foresight</c>.</summary>
    public string? ConnectionString { get; private set; }

    public bool IsPostgres => string.Equals(Provider.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first problem, naming its key, or null.</summary>
    public string? Validate()
    {
        var provider = Provider.Trim().ToLowerInvariant();
        if (provider is not (Memory or Postgres))
        {
            return $"{Section}:{nameof(Provider)} (--storage) must be '{Memory}' or '{Postgres}' (was '{Provider}')";
        }

        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            return $"{Section}:{nameof(ClusterId)} and {Section}:{nameof(ServiceId)} must not be empty";
        }

        if (AdvertisedIp is { } ip && !IPAddress.TryParse(ip, out _))
        {
            return $"{Section}:{nameof(AdvertisedIp)} (--advertised-ip, POD_IP) must be an IP address (was '{ip}')";
        }

        if (provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            return $"--storage {Postgres} needs a connection string: --connection \"Host=…;Database=…;Username=…;Password=…\", " +
                $"ConnectionStrings:{ConnectionStringName} in appsettings.json, or the environment variable FORESIGHT_ConnectionStrings__{ConnectionStringName}";
        }

        return null;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
