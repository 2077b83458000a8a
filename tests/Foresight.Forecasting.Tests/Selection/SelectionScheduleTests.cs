using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Selection;

namespace Foresight.Forecasting.Tests.Selection;

public sealed class SelectionScheduleTests
{
    [Fact]
    public void A_backtest_with_a_refit_period_fits_on_that_schedule_and_refreshes_in_between()
    {
        var y = Synthetic.Seasonal(24 * 14, 24, 50, 10, 1, seed: 1);
        var probe = new CountingForecaster();
        var result = RollingOriginBacktest.Run(probe, new SeriesHistory(y, [24]), new BacktestOptions(12, 6, 10) { RefitEvery = 24 });

        // Ten origins 6 apart: fits at the first, at +24 and at +48; every call sees only the values before its origin.
        Assert.Equal(10, result.Windows.Count);
        Assert.Equal(3, probe.Fits);
        Assert.Equal(7, probe.Refreshes);
        Assert.Equal(result.Windows.Select(w => w.Origin), probe.Lengths);

        var every = new CountingForecaster();
        RollingOriginBacktest.Run(every, new SeriesHistory(y, [24]), new BacktestOptions(12, 6, 10));
        Assert.Equal(10, every.Fits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BacktestOptions(12, 6, 10) { RefitEvery = -1 }.Validate());
    }

    [Fact]
    public void A_single_candidate_beats_the_combinations_only_by_more_than_the_margin()
    {
        // An exact daily pattern: each candidate is seasonal naive plus a constant offset, so its error is the offset.
        var y = Enumerable.Range(0, 24 * 10).Select(t => 10.0 + (t % 24)).ToArray();
        var history = new SeriesHistory(y, [24]);
        var options = new BacktestOptions(24, 24, 3);
        IForecaster[] near = [new Offset("A", 0.20), new Offset("B", 0.21), new Offset("C", 0.30)];

        // The median of the three is B's forecast (0.21): A is better by under 5 %.
        Assert.Equal("A", new AutoSelectForecaster(near, null).Select(history, options).Winner);
        Assert.Equal("A", new AutoSelectForecaster(near, null, combinationMargin: 0.03).Select(history, options).Winner);
        Assert.Equal("Ensemble-median", new AutoSelectForecaster(near, null, combinationMargin: 0.1).Select(history, options).Winner);

        // A clear winner keeps the choice whatever the margin.
        IForecaster[] clear = [new Offset("A", 0.05), new Offset("B", 0.21), new Offset("C", 0.30)];
        Assert.Equal("A", new AutoSelectForecaster(clear, null, combinationMargin: 0.1).Select(history, options).Winner);
    }

    private sealed class Offset(string name, double offset) : IForecaster
    {
        public string Name => name;

        public IFittedForecaster Fit(SeriesHistory history)
        {
            var inner = new SeasonalNaiveForecaster().Fit(history);
            return new Shifted(name, inner, offset);
        }

        private sealed class Shifted(string name, IFittedForecaster inner, double offset) : IFittedForecaster
        {
            public string Name => name;

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) =>
                new([.. inner.Predict(horizon, []).Mean.Select(v => v + offset)], []);
        }
    }

    private sealed class CountingForecaster : IForecaster
    {
        public int Fits { get; private set; }

        public int Refreshes { get; private set; }

        public List<int> Lengths { get; } = [];

        public string Name => "Counting";

        public IFittedForecaster Fit(SeriesHistory history)
        {
            Fits++;
            Lengths.Add(history.Values.Count);
            return new Fitted(this);
        }

        private sealed class Fitted(CountingForecaster owner) : IRefreshableFitted
        {
            public string Name => "Counting";

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) => new(new double[horizon], []);

            public IFittedForecaster Refresh(SeriesHistory history)
            {
                owner.Refreshes++;
                owner.Lengths.Add(history.Values.Count);
                return this;
            }
        }
    }
}
