using Foresight.Forecasting.Models;
using Foresight.Forecasting.Online;
using Xunit.Abstractions;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>The replay on a level shift of +5σ at 1,000 of 2,000 points: detected after the change, and refitting on it beats waiting for the scheduled refit.</summary>
public sealed class OnlineReplayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(DriftDetectors.PageHinkley)]
    [InlineData(DriftDetectors.Adwin)]
    public void A_level_shift_is_detected_and_the_refit_on_drift_lowers_the_error_after_it(string detector)
    {
        var rng = new Random(5);
        double[] values = [.. Enumerable.Range(0, 2000).Select(t => 10 + Synthetic.Gaussian(rng) + (t >= 1000 ? 5 : 0))];
        var result = OnlineReplay.Run(values, [], () => new MeanForecaster(), new OnlineReplaySettings(200, 500, detector, MinRefitLength: 20), changePoint: 1000);
        output.WriteLine($"detector={detector} drift_detected_at={result.DetectedAt} false_alarms={result.FalseAlarms} mae_before={result.MaeBefore:0.###} mae_after_scheduled_only={result.MaeAfterStatic:0.###} mae_after_online={result.MaeAfterOnline:0.###}");

        Assert.InRange(result.DetectedAt!.Value, 1000, 1060);
        Assert.Equal(0, result.FalseAlarms);
        Assert.True(result.MaeAfterOnline < 0.8 * result.MaeAfterStatic, $"{result.MaeAfterOnline} vs {result.MaeAfterStatic}");
        Assert.Equal(result.StaticErrors[..1000], result.OnlineErrors[..1000]);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnlineReplay.Run(values, [], () => new MeanForecaster(), new OnlineReplaySettings(1, 10, detector)));
    }

    /// <summary>Forecasts the mean of the history it was fitted on: it adapts to a new level only when refitted.</summary>
    private sealed class MeanForecaster : IForecaster
    {
        public string Name => "mean";

        public IFittedForecaster Fit(SeriesHistory history) => new ConstantFitted(Name, history.Values.Average());
    }
}
