using System.Globalization;
using System.Text;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>
/// <c>foresight simulate --online</c> on a csv trace written here whose arrival rate quadruples at a known time: the
/// drift line against the change point, the replay without online learning beside it, and bad combinations refused.
/// </summary>
public sealed class CliOnlineSimulationTests : IDisposable
{
    private const long Start = 1_700_000_400; // a multiple of 5 minutes
    private static readonly DateTimeOffset Change = DateTimeOffset.FromUnixTimeSeconds(Start + (3 * 3600));
    private readonly string _cwd = Directory.CreateTempSubdirectory("foresight-cli-online-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    [Fact]
    public async Task Simulate_online_detects_the_shift_after_the_change_point_and_prints_the_replay_without_online_learning()
    {
        var run = await Foresight("simulate", "--trace", "csv", "--data", WriteShiftTrace(), "--compare", "predictive", "--forecaster", "SES",
            "--online", "--change-at", Change.ToString("O", CultureInfo.InvariantCulture), "--max-workers", "100");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        Assert.Single(lines, l => l.StartsWith("policy=predictive ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("without_online policy=predictive ", StringComparison.Ordinal));
        var online = lines.Single(l => l.StartsWith("online detector=", StringComparison.Ordinal));
        Assert.Equal("page-hinkley", Field(online, "detector"));
        var detected = DateTimeOffset.Parse(Field(online, "drift_detected_at"), CultureInfo.InvariantCulture);
        Assert.InRange(detected, Change, Change.AddMinutes(30));
        Assert.True(int.Parse(Field(online, "drift_refits"), CultureInfo.InvariantCulture) >= 1, online);
        Assert.True(double.IsFinite(double.Parse(Field(online, "forecast_mae_after"), CultureInfo.InvariantCulture)), online);
        Assert.True(double.IsFinite(double.Parse(Field(online, "forecast_mae_after_without_online"), CultureInfo.InvariantCulture)), online);
    }

    [Theory]
    [InlineData("hpa", "auto", "--online")]
    [InlineData("predictive", "perfect", "--online")]
    public async Task Simulate_online_without_a_learned_forecast_is_refused_naming_the_option(string policy, string forecaster, string named)
    {
        var run = await Foresight("simulate", "--trace", "csv", "--data", WriteShiftTrace(), "--compare", policy, "--forecaster", forecaster, "--online");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_online_refuses_an_unknown_detector_naming_the_known_ones()
    {
        var run = await Foresight("simulate", "--trace", "csv", "--data", WriteShiftTrace(), "--compare", "predictive", "--online", "--detector", "cusum");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("page-hinkley, adwin", run.Output + run.Error, StringComparison.Ordinal);
    }

    /// <summary>Six hours: a job every 30 s, then one every 7.5 s from the third hour on (each runs 20 s).</summary>
    private string WriteShiftTrace()
    {
        var path = Path.Combine(_cwd, "shift.csv");
        var csv = new StringBuilder("submit_ts,duration_s,cpu,memory,labels\n");
        for (double t = 0; t < 6 * 3600; t += t < 3 * 3600 ? 30 : 7.5)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Start + t:0.###},20,1,1024,\n");
        }

        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static string Field(string line, string key) => MachineLine.Field(line, key);

    private Task<CliResult> Foresight(params string[] args) =>
        CliProcess.RunInAsync(_cwd, new Dictionary<string, string?> { ["HOME"] = _cwd }, args);
}
