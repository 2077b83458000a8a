namespace Foresight.Server.Federated;

/// <summary>
/// The scheduled federated exchange (section <c>Foresight:Models:Federated</c>): every <see cref="IntervalSeconds"/>
/// this cluster fetches each peer's parameters of each declared pool (<c>GET {Url}/api/models/federated/{pool}</c> with
/// the peer's admin token) and merges them as <c>POST /api/models/federated</c> does. No peers: no exchange.
/// </summary>
public sealed class FederatedExchangeOptions
{
    public const string Section = "Foresight:Models:Federated";

    /// <summary>Most peers.</summary>
    public const int MaxPeers = 16;

    /// <summary>The other clusters to fetch from.</summary>
    public List<FederatedPeer> Peers { get; set; } = [];

    /// <summary>Seconds between exchanges (the first one after one interval).</summary>
    public double IntervalSeconds { get; set; } = 3600;

    /// <summary>Seconds a fetch from one peer may take.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>The problems of these settings, each naming its key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(IntervalSeconds >= 1) || !double.IsFinite(IntervalSeconds) || IntervalSeconds > 7 * 24 * 3600)
        {
            problems.Add($"{Section}:{nameof(IntervalSeconds)} must be between 1 second and 7 days (was {IntervalSeconds})");
        }

        if (!(TimeoutSeconds >= 1) || !double.IsFinite(TimeoutSeconds) || TimeoutSeconds > 3600)
        {
            problems.Add($"{Section}:{nameof(TimeoutSeconds)} must be between 1 and 3600 seconds (was {TimeoutSeconds})");
        }

        if (Peers.Count > MaxPeers)
        {
            problems.Add($"{Section}:{nameof(Peers)} may list at most {MaxPeers} peers (has {Peers.Count})");
        }

        for (var i = 0; i < Peers.Count; i++)
        {
            var key = $"{Section}:{nameof(Peers)}:{i}";
            var peer = Peers[i];
            if (!Uri.TryCreate(peer.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(url.Query))
            {
                problems.Add($"{key}:{nameof(FederatedPeer.Url)} must be an absolute http or https URL of the peer's server (was '{peer.Url}')");
            }

            if (string.IsNullOrWhiteSpace(peer.Token) || peer.Token.Length > 4096 || peer.Token.Any(char.IsControl))
            {
                problems.Add($"{key}:{nameof(FederatedPeer.Token)} must be the peer's admin token (1 to 4096 printable characters)");
            }
        }

        return problems;
    }
}

/// <summary>A peer cluster: its server's base URL and an admin token of it.</summary>
public sealed class FederatedPeer
{
    public string Url { get; set; } = "";

    public string Token { get; set; } = "";
}
