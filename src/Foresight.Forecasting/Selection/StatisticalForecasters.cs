using Foresight.Forecasting.Models;
using Foresight.Forecasting.Models.Gbm;

namespace Foresight.Forecasting.Selection;

/// <summary>The statistical model line-up the CLI registers, by name.</summary>
public static class StatisticalForecasters
{
    /// <summary>Candidates automatic selection chooses among (seasonal naive on the primary and on the longest period, Theta, ETS, auto-ARIMA, MSTL).</summary>
    public static IReadOnlyList<IForecaster> SelectionCandidates() =>
    [
        new SeasonalNaiveForecaster(),
        new SeasonalNaiveForecaster(longest: true),
        new ThetaForecaster(),
        new EtsForecaster(),
        new AutoArimaForecaster(),
        new MstlForecaster(),
    ];

    /// <summary>
    /// Candidates automatic selection chooses among for one long series (arrivals, utilization): the
    /// <see cref="SelectionCandidates"/> plus the single-series direct multi-horizon median GBM anchored at the
    /// recent level (<see cref="LevelGbmForecaster"/>).
    /// </summary>
    public static IReadOnlyList<IForecaster> SingleSeriesCandidates(LevelGbmOptions? gbm = null) => [.. SelectionCandidates(), new LevelGbmForecaster(gbm)];

    /// <summary>Every statistical model, benchmarks first, then the automatic ones.</summary>
    public static IReadOnlyList<IForecaster> All()
    {
        var candidates = SelectionCandidates();
        return
        [
            new NaiveForecaster(),
            new SeasonalNaiveForecaster(),
            new SeasonalNaiveForecaster(longest: true),
            new Naive2Forecaster(),
            new SesForecaster(),
            new HoltForecaster(),
            new DampedForecaster(),
            new ThetaForecaster(),
            new EtsForecaster(),
            new AutoArimaForecaster(),
            new MstlForecaster(),
            new ArrivalGbmForecaster(),
            new MedianEnsembleForecaster([new EtsForecaster(), new AutoArimaForecaster(), new MstlForecaster()]),
            new WeightedEnsembleForecaster(candidates, null),
            new AutoSelectForecaster(candidates, null),
        ];
    }
}
