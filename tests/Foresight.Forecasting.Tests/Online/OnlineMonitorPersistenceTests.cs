using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>What a ModelGrain persists of its monitor besides the scored points: the forecasts still waiting for their
/// bucket and the drift detector's values since its last signal, put back into a fresh monitor on activation.</summary>
public sealed class OnlineMonitorPersistenceTests
{
    private static readonly OnlineLearningSettings Settings = new();

    /// <summary>Version 1 forecast 10 arrivals one bucket ahead for each of <paramref name="targets"/>.</summary>
    private static void Serve(OnlineMonitor monitor, IEnumerable<long> targets)
    {
        foreach (var t in targets)
        {
            monitor.Record(1, t, 1, 10, 8, 12);
        }
    }

    [Fact]
    public void Waiting_forecasts_survive_into_a_fresh_monitor_and_are_scored_there()
    {
        var first = new OnlineMonitor(Settings);
        Serve(first, [100, 101, 102]);
        first.Record(2, 101, 3, 9, 7, 11);

        var second = new OnlineMonitor(Settings);
        second.RestoreLive(first.PendingForecasts, first.DetectorValues);

        Assert.Equal(4, second.Pending);
        Assert.Equal(first.PendingForecasts, second.PendingForecasts);
        var outcome = second.Score(100, [10, 14, 10], 102, 1, champion: 1, candidate: null);
        Assert.Equal(4, outcome.Scored);
        Assert.Equal(2, second.Accuracy(1)!.Retained.Count(p => p.AbsoluteError == 0));
    }

    [Fact]
    public void A_rebuilt_detector_signals_at_the_same_point_as_the_one_that_was_never_interrupted()
    {
        // Errors of 0 for 60 buckets, then 5: Page-Hinkley signals some buckets into the shift.
        var counts = Enumerable.Range(0, 120).Select(i => i < 60 ? 10.0 : 15.0).ToArray();
        var whole = new OnlineMonitor(Settings);
        Serve(whole, Enumerable.Range(0, 120).Select(i => (long)i));
        var signalAt = -1;
        for (var t = 0; t < 120 && signalAt < 0; t++)
        {
            if (whole.Score(0, counts, t, 1, champion: 1, candidate: null).Drift)
            {
                signalAt = t;
            }
        }

        Assert.InRange(signalAt, 61, 119);

        // The same, interrupted by a deactivation two buckets before the signal: the new monitor signals at the same bucket.
        var before = new OnlineMonitor(Settings);
        Serve(before, Enumerable.Range(0, 120).Select(i => (long)i));
        for (var t = 0; t < signalAt - 2; t++)
        {
            Assert.False(before.Score(0, counts, t, 1, champion: 1, candidate: null).Drift);
        }

        Assert.Equal(signalAt - 2, before.DetectorValues.Count);
        var after = new OnlineMonitor(Settings);
        after.RestoreLive(before.PendingForecasts, before.DetectorValues);
        Assert.False(after.Score(0, counts, signalAt - 2, 1, champion: 1, candidate: null).Drift);
        Assert.False(after.Score(0, counts, signalAt - 1, 1, champion: 1, candidate: null).Drift);
        Assert.True(after.Score(0, counts, signalAt, 1, champion: 1, candidate: null).Drift);
        Assert.Empty(after.DetectorValues); // a signal starts the detector afresh
    }

    [Fact]
    public void The_detector_keeps_at_most_its_bound_of_values_and_a_new_champion_clears_them()
    {
        var monitor = new OnlineMonitor(Settings);
        var n = OnlineMonitor.MaxDetectorValues + 50;
        Serve(monitor, Enumerable.Range(0, n).Select(i => (long)i));
        monitor.Score(0, Enumerable.Repeat(10.0, n).ToArray(), n - 1, 1, champion: 1, candidate: null);

        Assert.Equal(OnlineMonitor.MaxDetectorValues, monitor.DetectorValues.Count);
        monitor.ResetDetector();
        Assert.Empty(monitor.DetectorValues);
    }
}
