using System.Net.Http.Headers;
using System.Text.Json;
using Foresight.Abstractions.Autoscaling;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Foresight.Server.Federated;

/// <summary>
/// The scheduled federated exchange: every <see cref="FederatedExchangeOptions.IntervalSeconds"/> (on the host's
/// <see cref="TimeProvider"/>) it fetches each peer's parameters of each pool declared here
/// (<c>GET {peer}/api/models/federated/{pool}</c>, the peer's admin token) and merges them through the path
/// <c>POST /api/models/federated</c> takes (<see cref="FederatedEndpoints.MergeDocumentAsync"/>): the same checks, the
/// same FedAvg and promotion gate. Only parameters travel. A peer that is down, answers an error or a malformed
/// document is logged and tried again at the next interval; nothing here stops the host.
/// </summary>
public sealed partial class FederatedExchangeService(
    FederatedExchangeOptions options,
    IGrainFactory grains,
    DeclaredPools pools,
    TimeProvider time,
    ILogger<FederatedExchangeService> logger) : BackgroundService
{
    /// <summary>Largest document accepted from a peer (well above the 1,000,000 values a model may hold as JSON).</summary>
    public const long MaxDocumentBytes = 32L * 1024 * 1024;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds), MaxResponseContentBufferSize = MaxDocumentBytes };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Peers.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ExchangeOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One exchange: every peer, every declared pool; what each merge answered, or why it did not happen.</summary>
    public async Task<IReadOnlyList<string>> ExchangeOnceAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<string>();
        IReadOnlyList<string> declared;
        try
        {
            declared = await pools.AllAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, "(all)", "(pools)", e.Message);
            return outcomes;
        }

        foreach (var peer in options.Peers)
        {
            foreach (var pool in declared)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var outcome = await ExchangeAsync(peer, pool, cancellationToken);
                    LogExchanged(logger, peer.Url, pool, outcome);
                    outcomes.Add(outcome);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogFailed(logger, peer.Url, pool, $"{e.GetType().Name}: {e.Message}");
                    outcomes.Add($"{pool} from {peer.Url}: failed: {e.Message}");
                }
            }
        }

        return outcomes;
    }

    private async Task<string> ExchangeAsync(FederatedPeer peer, string pool, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(peer.Url.TrimEnd('/') + "/"), $"api/models/federated/{Uri.EscapeDataString(pool)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", peer.Token);
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"{pool} from {peer.Url}: the peer answered {(int)response.StatusCode}: {Shorten(text)}";
        }

        FederatedModelDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<FederatedModelDocument>(text, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            return $"{pool} from {peer.Url}: not a federated model document: {e.Message}";
        }

        if (document is not null && document.Pool != pool)
        {
            return $"{pool} from {peer.Url}: the peer sent pool '{document.Pool}'";
        }

        return await FederatedEndpoints.MergeDocumentAsync(document, grains, pools) switch
        {
            Ok<FederatedMergeView> { Value: { } merged } => $"{pool} from {peer.Url}: {merged.Note}",
            ProblemHttpResult problem => $"{pool} from {peer.Url}: refused ({problem.StatusCode}): {problem.ProblemDetails.Detail}",
            var other => $"{pool} from {peer.Url}: {other.GetType().Name}",
        };
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Federated exchange with {Peer}, pool {Pool}: {Outcome}")]
    private static partial void LogExchanged(ILogger logger, string peer, string pool, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federated exchange with {Peer}, pool {Pool} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string peer, string pool, string reason);
}
