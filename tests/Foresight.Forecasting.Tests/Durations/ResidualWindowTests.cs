using Foresight.Forecasting.Durations;

namespace Foresight.Forecasting.Tests.Durations;

public class ResidualWindowTests
{
    [Fact]
    public void Quantiles_match_a_sort_of_the_last_values_as_old_ones_leave()
    {
        var random = new Random(3);
        var window = new ResidualWindow(50);
        var all = new List<double>();
        for (var i = 0; i < 400; i++)
        {
            var v = Math.Round(random.NextDouble() * 20) - 10; // many ties
            window.Add(v);
            all.Add(v);
            var last = all.TakeLast(50).Order().ToArray();
            Assert.Equal(last.Length, window.Count);
            foreach (var q in new[] { 0.0, 0.1, 0.5, 0.9, 1.0 })
            {
                var pos = q * (last.Length - 1);
                var lo = (int)Math.Floor(pos);
                var expected = last[lo] + ((pos - lo) * (last[Math.Min(lo + 1, last.Length - 1)] - last[lo]));
                Assert.Equal(expected, window.Quantile(q), 9);
            }

            Assert.Equal(last.Count(x => Math.Abs(x) <= 3) / (double)last.Length, window.ShareWithin(3), 9);
        }
    }

    [Fact]
    public void Non_finite_values_are_ignored()
    {
        var window = new ResidualWindow(4);
        window.Add(double.NaN);
        window.Add(double.NegativeInfinity);
        Assert.Equal(0, window.Count);
        Assert.True(double.IsNaN(window.Quantile(0.5)));
    }
}
