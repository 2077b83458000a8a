using Foresight.Grains.Autoscaling;
using Foresight.Grains.Hosting;
using Foresight.Server.Autoscaling;
using Foresight.Server.Api;
using Foresight.Server.Federated;
using Foresight.Server.Gateway;
using Foresight.Server.Grpc;
using Foresight.Server.LocalWorkers;
using Foresight.Server.Observability;
using Foresight.Server.Security;
using Foresight.Server.Ui;
using Foresight.Server.Webhooks;
using Foresight.Server.Workflows;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Prometheus;

namespace Foresight.Server.Hosting;

/// <summary>
/// The server: a silo, the HTTP gateway, the Orleans dashboard (unless <see cref="ServerOptions.Dashboard"/> is off) and /metrics in one process. <see cref="CreateBuilder"/> sets
/// up configuration only, so a caller (a test) can add settings before <see cref="Build"/> registers everything.
/// </summary>
public static class ForesightServer
{
    /// <summary>The configuration section bound to Orleans' <see cref="Orleans.Configuration.GrainDirectoryOptions"/> (e.g. <c>Orleans:GrainDirectory:CacheSize</c>).</summary>
    public const string GrainDirectorySection = "Orleans:GrainDirectory";

    /// <summary>Grains whose directory entries a silo caches (Orleans' default is 1,000,000); beyond it the least recently used are looked up again.</summary>
    public const int DirectoryCacheSize = 100_000;

    /// <summary>Configuration: appsettings.json beside the binary, <c>FORESIGHT_</c> environment variables, the command line.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json sits beside the binary, whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("FORESIGHT_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--local-workers"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkers)}",
            ["--pool"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkerPool)}",
            ["--labels"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkerLabels)}",
            ["--run-as"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkerRunAs)}",
            ["--silo-port"] = $"{ServerOptions.Section}:{nameof(ServerOptions.SiloPort)}",
            ["--gateway-port"] = $"{ServerOptions.Section}:{nameof(ServerOptions.GatewayPort)}",
            ["--data-dir"] = $"{ServerOptions.Section}:{nameof(ServerOptions.DataDirectory)}",
            ["--dashboard"] = $"{ServerOptions.Section}:{nameof(ServerOptions.Dashboard)}",
        });
        builder.Configuration.AddCommandLine(args, StorageOptions.Switches);
        builder.Configuration.AddCommandLine(args, ClusterTransportOptions.Switches);
        builder.Configuration.AddCommandLine(args, GrpcHosting.Switches);
        return builder;
    }

    /// <summary>Registers the silo, the gateway and its security from the builder's configuration, and maps the routes.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        MetricsSetup.ConfigureDefaultRegistry();
        var configuration = builder.Configuration;
        var serverOptions = configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        var gatewayOptions = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        builder.Services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        // Kestrel holds the largest limit; RequestLimits lowers it per route (API, batch, webhooks).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.Largest(gatewayOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>());
        builder.Services.AddForesightGatewaySecurity();
        builder.Services.AddForesightAgentSecurity(configuration);
        builder.Services.AddForesightUiSecurity(serverOptions, StorageOptions.From(configuration));
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Ui/Pages";
            o.Conventions.AuthorizeFolder("/", UiSecurity.ReadPolicy);
            o.Conventions.AllowAnonymousToPage("/SignIn");
        }).ConfigureApplicationPartManager(parts =>
        {
            // The pages are found in the entry assembly's parts; a host that embeds the server (tests, benchmarks)
            // has another entry assembly, so the server's own assembly is added when it is not among them.
            var server = typeof(ForesightServer).Assembly;
            if (!parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == server))
            {
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(server).GetApplicationParts(server))
                {
                    parts.ApplicationParts.Add(part);
                }
            }
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorkflowLauncher>();
        builder.Services.AddSingleton<RepositoryWorkflows>();
        builder.Services.AddSingleton<WebhookReplayGuard>();
        builder.Services.AddSingleton<DeclaredPools>();
        // Federated learning (ModelGrain.Federated.cs, /api/models/federated): the pools' LSTM, whose parameters average.
        builder.Services.AddSingleton<Foresight.Forecasting.Federated.IFederatedModelKind>(
            new Foresight.Neural.Federated.LstmFederatedModel(Foresight.Neural.Federated.LstmFederatedModel.PoolOptions));
        // The scheduled exchange with peer clusters (Foresight:Models:Federated), validated here naming the bad key.
        var federatedExchange = configuration.GetSection(FederatedExchangeOptions.Section).Get<FederatedExchangeOptions>() ?? new FederatedExchangeOptions();
        if (federatedExchange.Validate() is { Count: > 0 } federatedProblems)
        {
            throw new InvalidOperationException(string.Join("; ", federatedProblems));
        }

        builder.Services.AddSingleton(federatedExchange);
        builder.Services.AddHostedService<FederatedExchangeService>();
        builder.AddForesightGrpc();
        builder.AddForesightTracing();

        builder.UseOrleans(silo =>
        {
            silo.AddForesightStorage(configuration, serverOptions);
            silo.AddForesightStorageTiming();
            silo.AddForesightClusterTransport(configuration, multiSilo: StorageOptions.From(configuration).IsPostgres, serverOptions.GatewayPort);
            silo.AddForesight(o => configuration.GetSection(ForesightOptions.Section).Bind(o));
            if (serverOptions.Dashboard)
            {
                silo.AddDashboard();
            }

            // Orleans sizes its directory cache's table for CacheSize grains up front (1,000,000 by default: two
            // tables of ~9 MB each, mostly empty); Orleans:GrainDirectory overrides it.
            silo.Configure<Orleans.Configuration.GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
            silo.Services.Configure<Orleans.Configuration.GrainDirectoryOptions>(configuration.GetSection(GrainDirectorySection));
        });

        // Agent processes for the autoscaler; they drain on SIGTERM while the server still listens (StoppingAsync).
        builder.Services.AddProvisioner<LocalProcessProvisioner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalProcessProvisioner>());
        if (LocalIsDefaultProvisioner(configuration))
        {
            builder.Services.PostConfigure<AutoscalingOptions>(o => o.Provisioner = LocalProvisionerOptions.ProvisionerName);
        }

        // After Orleans: starts once the silo runs, stops (drains) before it.
        builder.Services.AddSingleton<LocalWorkersService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalWorkersService>());
        builder.Services.AddHostedService<StartupBanner>();

        var app = builder.Build();
        app.UseForesightGrpcPort();
        app.UseForesightGatewayMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseForesightUiAssets();
        app.UseForesightGatewaySecurity();
        app.UseForesightRequestTrace();

        // Open routes: probes and scrapers carry no token (see docs/api.md).
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        app.MapMetrics("/metrics").AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        if (serverOptions.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: TokenAuthenticationHandler.DashboardPath).RequireAuthorization(GatewaySecurity.AdminPolicy);
        }

        app.MapJobEndpoints();
        app.MapLogEndpoints();
        app.MapPoolEndpoints();
        app.MapProfileEndpoints();
        app.MapAutoscalingEndpoints();
        app.MapWorkflowEndpoints();
        app.MapGitHubWebhook();
        app.MapAgentEndpoints();
        app.MapArrivalEndpoints();
        app.MapFederatedEndpoints();
        app.MapForesightUi();
        return app;
    }

    /// <summary>
    /// <c>local</c> is the provisioner when <c>Foresight:Autoscaling:Provisioner</c> is not set, the server is embedded
    /// (storage <c>memory</c>: one silo, so its agents are on this machine) and pools are listed under
    /// <c>Foresight:Autoscaling:Pools</c>; otherwise the default stays <c>shadow</c>.
    /// </summary>
    public static bool LocalIsDefaultProvisioner(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var autoscaling = configuration.GetSection(AutoscalingOptions.Section);
        return string.IsNullOrWhiteSpace(autoscaling[nameof(AutoscalingOptions.Provisioner)])
            && !StorageOptions.From(configuration).IsPostgres
            && autoscaling.GetSection(nameof(AutoscalingOptions.Pools)).GetChildren().Any();
    }

    private sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
    {
        public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
