using Foresight.Agent.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The standalone agent process: one worker on a build machine. See docs/agent.md.
if (AgentCommandLine.WantsHelp(args))
{
    Console.Out.Write(AgentCommandLine.Usage);
    return 0;
}

if (args.Select(a => a.Split('=', 2)[0]).FirstOrDefault(AgentCommandLine.Retired.Contains) is { } retired)
{
    await Console.Error.WriteLineAsync($"foresight-agent: {retired} is gone: the agent talks HTTPS to the server now (--server https://host:port --registration-token …; see docs/agent.md)");
    return 2;
}

if (AgentCommandLine.UnknownFlag(args) is { } unknown)
{
    await Console.Error.WriteLineAsync($"foresight-agent: unknown flag {unknown}");
    await Console.Error.WriteAsync(AgentCommandLine.Usage);
    return 2;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
// Defaults under every other source, so --Logging:LogLevel:Orleans=Information (or the environment) overrides them.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    },
});
builder.Configuration.AddEnvironmentVariables("FORESIGHT_");
builder.Configuration.AddCommandLine(args, AgentCommandLine.SwitchMappings.ToDictionary());
var (settings, problem) = AgentSettings.Read(builder.Configuration);
if (settings is null)
{
    await Console.Error.WriteLineAsync($"foresight-agent: {problem}");
    return 2;
}

builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.FormatterName = AgentConsoleFormatter.FormatterName)
    .AddConsoleFormatter<AgentConsoleFormatter, AgentConsoleFormatterOptions>(o => o.WorkerId = settings.Id);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton(settings);
builder.Services.AddHostedService<AgentService>();
builder.Services.AddForesightAgentTracing(builder.Configuration);

using var host = builder.Build();
try
{
    await host.RunAsync();
}
catch (OperationCanceledException)
{
    // Stopped (SIGTERM) before the server was reached: nothing ran, nothing to drain.
}

return Environment.ExitCode;
