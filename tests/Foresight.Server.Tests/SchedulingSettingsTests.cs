using System.Net.Http.Json;

namespace Foresight.Server.Tests;

/// <summary>The server's scheduling options are the shared <c>SchedulingSettings</c>, checked against the placement registry at start.</summary>
public sealed class SchedulingSettingsTests
{
    [Theory]
    [InlineData("--Foresight:Placement=psychic", "Foresight:Placement", "Valid names")]
    [InlineData("--Foresight:ShortJobWeight=-1", "Foresight:ShortJobWeight", "between 0 and 1000")]
    [InlineData("--Foresight:MaxOrderingDelay=3.00:00:00", "Foresight:MaxOrderingDelay", "between 0 and 1 day")]
    [InlineData("--Foresight:UncertaintyWeight=-1", "Foresight:UncertaintyWeight", "between 0 and 10")]
    public async Task A_bad_scheduling_setting_stops_the_server_naming_the_key(string setting, string key, string rule)
    {
        var (exitCode, log) = await ServerProcess.RefusesToStartAsync(setting);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(key, log, StringComparison.Ordinal);
        Assert.Contains(rule, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_learning_placements_are_accepted_and_a_job_runs_under_sjf()
    {
        await using var server = await ServerProcess.StartAsync(1, "--Foresight:Placement=sjf");
        using var response = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "sjf-1", name = "sjf", command = "echo ok", labels = new[] { "linux" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await ServerTests.WaitForStateAsync(server, "sjf-1", "Succeeded");
    }
}
