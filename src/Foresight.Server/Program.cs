using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Server.Api;
using Foresight.Server.Hosting;
using Foresight.Server.LocalWorkers;
using Orleans.Dashboard;
using Prometheus;

// appsettings.json sits beside the binary, whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--local-workers"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkers)}",
    ["--pool"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkerPool)}",
    ["--labels"] = $"{ServerOptions.Section}:{nameof(ServerOptions.LocalWorkerLabels)}",
    ["--silo-port"] = $"{ServerOptions.Section}:{nameof(ServerOptions.SiloPort)}",
    ["--gateway-port"] = $"{ServerOptions.Section}:{nameof(ServerOptions.GatewayPort)}",
});
builder.Configuration.AddEnvironmentVariables("FORESIGHT_");

var serverOptions = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
builder.Services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = serverOptions.MaxRequestBytes);
builder.Services.AddProblemDetails();

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(serverOptions.SiloPort, serverOptions.GatewayPort);
    silo.AddForesight(o => builder.Configuration.GetSection(ForesightOptions.Section).Bind(o));
    silo.AddForesightInProcessStorage(new InProcessStore());
    silo.UseInMemoryReminderService();
    silo.AddDashboard();
});

// After Orleans: starts once the silo runs, stops (drains) before it.
builder.Services.AddSingleton<LocalWorkersService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalWorkersService>());

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapMetrics("/metrics");
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.MapJobEndpoints();
await app.RunAsync();
