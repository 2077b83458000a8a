using System.CommandLine;
using System.Globalization;
using Foresight.Forecasting.Online;
using Foresight.Simulation.Forecasts;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate online</c>: replays a series through online learning (<see cref="OnlineReplay"/>) and prints
/// when the drift detector fired against the true change point, and the one-step MAE before the change and after it
/// with scheduled refits only and with refits on drift as well. Without <c>--data</c> the series is synthetic: eight
/// days of 5-minute buckets with a daily cycle (20 ± 10) and noise (σ 2, seed 1), whose level rises by 15 at the
/// start of day 5.
/// </summary>
internal static class EvaluateOnlineCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "timestamp,value CSV (default: the synthetic level shift)" };
        var change = new Option<string?>("--change-at") { Description = "The true change point: a timestamp of the series or an index (default for the synthetic series: 1440)" };
        var freq = new Option<string>("--freq") { Description = "Sampling frequency of --data, e.g. 5min, 1h", DefaultValueFactory = _ => "5min" };
        var forecaster = new Option<string>("--forecaster") { Description = "Model to fit (auto or a name as --forecaster of simulate)", DefaultValueFactory = _ => "auto" };
        var detector = new Option<string>("--detector") { Description = "page-hinkley or adwin", DefaultValueFactory = _ => DriftDetectors.PageHinkley };
        var train = new Option<int>("--train") { Description = "Points of the first fit (default: two days)", DefaultValueFactory = _ => 0 };
        var refit = new Option<int>("--refit-every") { Description = "Points between scheduled refits (default: one day)", DefaultValueFactory = _ => 0 };
        var command = new Command("online", "Replay a series with a regime change: drift detected at, and one-step MAE with and without refits on drift.")
        {
            data, change, freq, forecaster, detector, train, refit,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(data), parse.GetValue(change), EvaluateSeriesData.ParseFrequency(parse.GetValue(freq)!), parse.GetValue(forecaster)!,
                    parse.GetValue(detector)!, parse.GetValue(train), parse.GetValue(refit));
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException)
            {
                return ClientCommands.Fail(e.Message);
            }
        });
        return command;
    }

    private static int Run(string? path, string? changeText, TimeSpan frequency, string forecasterName, string detector, int train, int refit)
    {
        var (timestamps, values) = path is null ? Synthetic(frequency) : EvaluateSeriesData.ReadCsv(path);
        var daily = (int)(TimeSpan.FromDays(1) / frequency);
        int? change = changeText is null ? (path is null ? 4 * daily : null)
            : int.TryParse(changeText, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i
            : timestamps.FindIndex(t => t >= DateTimeOffset.Parse(changeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        SimulationForecasters.Model(forecasterName);
        var settings = new OnlineReplaySettings(train > 0 ? train : 2 * daily, refit > 0 ? refit : daily, detector, MinRefitLength: 2 * daily);
        var result = OnlineReplay.Run(values.Select(v => double.IsFinite(v) ? v : 0).ToList(), daily > 1 ? [daily] : [], () => SimulationForecasters.Model(forecasterName), settings, change);
        string At(int? index) => index is { } x && x >= 0 && x < timestamps.Count ? Inv($"{x} ({timestamps[x]:yyyy-MM-dd HH:mm})") : "none";
        Console.WriteLine(Inv($"series={path ?? "synthetic level shift"} points={values.Count} forecaster={forecasterName} detector={detector} train={settings.TrainLength} refit_every={settings.RefitEvery}"));
        Console.WriteLine(Inv($"change_point={At(change)} drift_detected_at={At(result.DetectedAt)} delay={(result.DetectedAt - change)?.ToString(CultureInfo.InvariantCulture) ?? "-"} false_alarms={result.FalseAlarms} signals={result.Detections.Count}"));
        Console.WriteLine(Inv($"mae_before={result.MaeBefore:0.###} mae_after_scheduled_only={result.MaeAfterStatic:0.###} mae_after_online={result.MaeAfterOnline:0.###}"));
        return 0;
    }

    private static (List<DateTimeOffset>, List<double>) Synthetic(TimeSpan frequency)
    {
        var daily = (int)(TimeSpan.FromDays(1) / frequency);
        var rng = new Random(1);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var values = Enumerable.Range(0, 8 * daily).Select(t =>
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            var noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return 20 + (10 * Math.Sin(2 * Math.PI * t / daily)) + (2 * noise) + (t >= 4 * daily ? 15 : 0);
        }).ToList();
        return ([.. Enumerable.Range(0, values.Count).Select(t => start + (frequency * t))], values);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
