using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Hosting;

/// <summary>One concise line once the server listens: where the API is, where the routes a person opens are, which
/// storage the cluster uses (and what that means for a restart) and how many local workers run.</summary>
internal sealed partial class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IConfiguration configuration,
    IOptions<ServerOptions> serverOptions,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } addresses
                ? string.Join(", ", addresses)
                : "(no HTTP address)";
            var storage = StorageOptions.From(configuration) is { Provider: StorageOptions.Postgres } s
                ? $"postgres (cluster '{s.ClusterId}'; jobs survive restarts)"
                : "embedded in this process (a restart forgets every job; --storage postgres keeps them)";
            var workers = serverOptions.Value.LocalWorkers;
            var routes = serverOptions.Value.Dashboard ? "/api, /dashboard, /metrics, /healthz" : "/api, /metrics, /healthz";
            LogReady(logger, urls, routes, storage, workers, serverOptions.Value.LocalWorkerPool);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Foresight is ready: API {Urls} ({Routes}); storage {Storage}; {Workers} local workers in pool {Pool}")]
    private static partial void LogReady(ILogger logger, string urls, string routes, string storage, int workers, string pool);
}
