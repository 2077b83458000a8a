using System.Net;
using Foresight.Agent.Hosting;
using Microsoft.Extensions.Configuration;

namespace Foresight.Agent.Tests;

/// <summary>The agent's flags: defaults, parsing, and errors that name the flag.</summary>
public sealed class AgentSettingsTests
{
    [Fact]
    public void Defaults_come_from_the_machine()
    {
        var (settings, problem) = Read();

        Assert.Null(problem);
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant(), settings!.Id);
        Assert.Equal("default", settings.Pool);
        Assert.Equal(Environment.ProcessorCount, settings.Cpu);
        Assert.Equal(MachineCapacity.MemoryMb(), settings.MemoryMb);
        Assert.True(settings.MemoryMb > 100);
        Assert.Equal(["linux", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()], settings.Labels);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 30000)], settings.Gateways);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.ShutdownTimeout);
        Assert.Equal(("foresight", "foresight"), (settings.ClusterId, settings.ServiceId)); // the server's defaults
        Assert.EndsWith(Path.Combine("foresight-agent", settings.Id), settings.WorkDir, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_set_every_value()
    {
        var (settings, problem) = Read(
            "--id", "build-7", "--pool", "gpu", "--labels", "linux, cuda ,x64", "--cpu", "3.5", "--memory-mb", "2048",
            "--work-dir", "/tmp/w", "--gateway", "10.0.0.1:30000,[::1]:30001,localhost:30002", "--cluster-id", "c", "--service-id", "s",
            "--shutdown-timeout", "90s", "--default-timeout", "2h", "--heartbeat", "500ms");

        Assert.Null(problem);
        Assert.Equal("build-7", settings!.Id);
        Assert.Equal("gpu", settings.Pool);
        Assert.Equal(["linux", "cuda", "x64"], settings.Labels);
        Assert.Equal(3.5, settings.Cpu);
        Assert.Equal(2048, settings.MemoryMb);
        Assert.Equal("/tmp/w", settings.WorkDir);
        Assert.Equal(IPEndPoint.Parse("10.0.0.1:30000"), settings.Gateways[0]);
        Assert.Equal(IPEndPoint.Parse("[::1]:30001"), settings.Gateways[1]);
        Assert.Equal(30002, settings.Gateways[2].Port);
        Assert.Equal(("c", "s"), (settings.ClusterId, settings.ServiceId));
        Assert.Equal(TimeSpan.FromSeconds(90), settings.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromHours(2), settings.DefaultJobTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.HeartbeatPeriod);
    }

    [Theory]
    [InlineData("--cpu", "0", "--cpu must be more than 0")]
    [InlineData("--cpu", "lots", "--cpu 'lots' is not a number")]
    [InlineData("--memory-mb", "-5", "--memory-mb must be positive")]
    [InlineData("--pool", "a/b", "--pool must be a name without '/'")]
    [InlineData("--gateway", "nohost", "--gateway 'nohost' is not host:port")]
    [InlineData("--gateway", "1.2.3.4:99999", "--gateway '1.2.3.4:99999' is not host:port")]
    [InlineData("--shutdown-timeout", "soon", "--shutdown-timeout 'soon' is not a positive duration")]
    [InlineData("--clustering", "zookeeper", "--clustering 'zookeeper' is not supported")]
    public void Bad_values_are_reported_naming_the_flag(string flag, string value, string expected)
    {
        var (settings, problem) = Read(flag, value);

        Assert.Null(settings);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("600", 600)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3600)]
    [InlineData("00:02:00", 120)]
    [InlineData("250ms", 0.25)]
    public void Durations_read_as_seconds_or_with_a_unit(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), AgentSettings.ParseDuration(text, "--x", TimeSpan.Zero));

    [Fact]
    public void Unknown_flags_are_caught_but_values_and_configuration_keys_pass()
    {
        Assert.Equal("--bogus", AgentCommandLine.UnknownFlag(["--id", "x", "--bogus", "1"]));
        Assert.Null(AgentCommandLine.UnknownFlag(["--cpu", "-1", "--Logging:LogLevel:Default=Debug", "--labels=a,b"]));
        Assert.True(AgentCommandLine.WantsHelp(["--help"]));
    }

    private static (AgentSettings?, string?) Read(params string[] args) =>
        AgentSettings.Read(new ConfigurationBuilder().AddCommandLine(args, AgentCommandLine.SwitchMappings.ToDictionary()).Build());
}
