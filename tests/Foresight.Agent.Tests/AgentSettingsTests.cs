using Foresight.Agent.Hosting;
using Microsoft.Extensions.Configuration;

namespace Foresight.Agent.Tests;

/// <summary>The agent's flags: defaults, parsing, and errors that name the flag.</summary>
public sealed class AgentSettingsTests
{
    [Fact]
    public void Defaults_come_from_the_machine()
    {
        var (settings, problem) = Read("--registration-token", "tok");

        Assert.Null(problem);
        Assert.Equal("tok", settings!.RegistrationToken);
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}".ToLowerInvariant(), settings!.Id);
        Assert.Equal("default", settings.Pool);
        Assert.Equal(Environment.ProcessorCount, settings.Cpu);
        Assert.Equal(MachineCapacity.MemoryMb(), settings.MemoryMb);
        Assert.True(settings.MemoryMb > 100);
        Assert.Equal(["linux", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()], settings.Labels);
        Assert.Equal([new Uri("http://127.0.0.1:5080")], settings.Servers); // the server's default address
        Assert.Null(settings.CaCertificate);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.ShutdownTimeout);
        Assert.EndsWith(Path.Combine("foresight-agent", settings.Id), settings.WorkDir, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_set_every_value()
    {
        var ca = Path.GetTempFileName();
        var (settings, problem) = Read(
            "--id", "build-7", "--pool", "gpu", "--labels", "linux, cuda ,x64", "--cpu", "3.5", "--memory-mb", "2048",
            "--work-dir", "/tmp/w", "--server", "https://ci.example:8443, https://10.0.0.2:8443/foresight", "--registration-token", "fsr_x",
            "--ca-cert", ca, "--shutdown-timeout", "90s", "--default-timeout", "2h", "--heartbeat", "500ms");
        File.Delete(ca);

        Assert.Null(problem);
        Assert.Equal("build-7", settings!.Id);
        Assert.Equal("gpu", settings.Pool);
        Assert.Equal(["linux", "cuda", "x64"], settings.Labels);
        Assert.Equal(3.5, settings.Cpu);
        Assert.Equal(2048, settings.MemoryMb);
        Assert.Equal("/tmp/w", settings.WorkDir);
        Assert.Equal([new Uri("https://ci.example:8443"), new Uri("https://10.0.0.2:8443/foresight")], settings.Servers);
        Assert.Equal("fsr_x", settings.RegistrationToken);
        Assert.Equal(ca, settings.CaCertificate);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromHours(2), settings.DefaultJobTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.HeartbeatPeriod);
    }

    [Theory]
    [InlineData("--cpu", "0", "--cpu must be more than 0")]
    [InlineData("--cpu", "lots", "--cpu 'lots' is not a number")]
    [InlineData("--memory-mb", "-5", "--memory-mb must be positive")]
    [InlineData("--pool", "a/b", "--pool must be a name without '/'")]
    [InlineData("--server", "ci.example:8443", "--server 'ci.example:8443' is not an https:// (or http://) address")]
    [InlineData("--server", "ftp://ci.example", "--server 'ftp://ci.example' is not an https:// (or http://) address")]
    [InlineData("--shutdown-timeout", "soon", "--shutdown-timeout 'soon' is not a positive duration")]
    [InlineData("--ca-cert", "/nonexistent/ca.pem", "--ca-cert '/nonexistent/ca.pem' does not exist")]
    [InlineData("--registration-token", "", "a registration token is needed")]
    public void Bad_values_are_reported_naming_the_flag(string flag, string value, string expected)
    {
        var (settings, problem) = flag == "--registration-token" ? Read() : Read(flag, value, "--registration-token", "tok");

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

    [Fact]
    public void The_registration_token_comes_from_the_flag_the_environment_or_a_file()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "fsr_from_file\n");
        try
        {
            var fromFile = Read("--registration-token-file", file).Item1!.RegistrationToken;
            var fromEnvironment = AgentSettings.Read(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["AGENT_REGISTRATION_TOKEN"] = "fsr_from_env", ["Agent:RegistrationTokenFile"] = file })
                .Build()).Settings!.RegistrationToken;
            var fromFlag = Read("--registration-token", "fsr_flag", "--registration-token-file", file).Item1!.RegistrationToken;

            Assert.Equal(("fsr_from_file", "fsr_from_env", "fsr_flag"), (fromFile, fromEnvironment, fromFlag));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_orleans_gateway_flags_are_retired()
    {
        Assert.Contains("--gateway", AgentCommandLine.Retired);
        Assert.Contains("--cluster-id", AgentCommandLine.Retired);
        Assert.DoesNotContain("--gateway", AgentCommandLine.SwitchMappings.Keys);
    }

    private static (AgentSettings?, string?) Read(params string[] args) =>
        AgentSettings.Read(new ConfigurationBuilder().AddCommandLine(args, AgentCommandLine.SwitchMappings.ToDictionary()).Build());
}
