using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Tests.Quality;

public class DataQualityTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ResamplerAveragesWithinBucketsAndLeavesEmptyBucketsMissing()
    {
        var ts = new[] { T0, T0.AddMinutes(2), T0.AddMinutes(5), T0.AddMinutes(16) };
        var r = Resampler.ToRegular(ts, [1.0, 3, 5, 7], TimeSpan.FromMinutes(5));
        Assert.Equal(4, r.Values.Length);
        Assert.Equal(2, r.Values[0]);
        Assert.Equal(5, r.Values[1]);
        Assert.True(double.IsNaN(r.Values[2]));
        Assert.Equal(7, r.Values[3]);
        Assert.Equal(T0.AddMinutes(15), r.TimeAt(3));
    }

    [Fact]
    public void DuplicateOrBackwardTimestampsAreClearErrors()
    {
        var dup = Assert.Throws<ForecastInputException>(() => Resampler.ToRegular([T0, T0], [1.0, 2], TimeSpan.FromMinutes(1)));
        Assert.Contains("Duplicate", dup.Message, StringComparison.Ordinal);
        var back = Assert.Throws<ForecastInputException>(() => Resampler.ToRegular([T0, T0.AddMinutes(-1)], [1.0, 2], TimeSpan.FromMinutes(1)));
        Assert.Contains("not increasing at index 1", back.Message, StringComparison.Ordinal);
        Assert.Throws<ForecastInputException>(() => Resampler.ToRegular([], [], TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void ShortGapsAreInterpolatedAndLongGapsMarked()
    {
        double nan = double.NaN;
        double[] y = [1, 2, 3, 4, nan, 6, 1, 2, nan, nan, nan, nan, nan, 2];
        var r = GapFiller.Fill(y, maxGap: 2, season: 4);
        Assert.Equal(5, r.Values[4], 10);
        Assert.Equal(1, r.Interpolated);
        Assert.Equal(5, r.LongGapSteps);
        Assert.True(r.LongGap[8] && r.LongGap[12] && !r.LongGap[4]);
        Assert.Equal(r.Values[4], r.Values[8]); // one season earlier
        Assert.All(r.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void HampelFindsAndClipsASpike()
    {
        var y = Enumerable.Range(0, 50).Select(t => 10 + Math.Sin(t / 3.0)).ToArray();
        y[25] = 100;
        var mask = HampelFilter.Detect(y, halfWindow: 5);
        Assert.True(mask[25]);
        Assert.Equal(1, mask.Count(m => m));
        var clipped = HampelFilter.Clip(y, halfWindow: 5);
        Assert.InRange(clipped[25], 9, 11);
    }

    [Fact]
    public void PreparationResamplesFillsAndReports()
    {
        var ts = Enumerable.Range(0, 100).Where(i => i is not (10 or 11)).Select(i => T0.AddMinutes(5 * i)).ToArray();
        var vs = ts.Select((_, i) => (double)i).ToArray();
        var p = SeriesPreparation.Prepare(ts, vs, TimeSpan.FromMinutes(5), [12]);
        Assert.Equal(100, p.History.Values.Count);
        Assert.Equal(2, p.Interpolated);
        Assert.Equal(0, p.LongGapSteps);
    }
}
