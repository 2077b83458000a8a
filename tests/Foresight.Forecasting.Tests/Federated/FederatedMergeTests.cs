using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Federated;

namespace Foresight.Forecasting.Tests.Federated;

/// <summary>
/// The pure merge decision on a one-parameter model kind (a constant forecast at the parameter <c>level</c>): refusals
/// name the field, the merged parameters are FedAvg's, and adoption follows the two backtests on the same history.
/// </summary>
public sealed class FederatedMergeTests
{
    // 9, 11, 9, 11, …: a constant forecast at 10 is off by 1 at every point, at 0 or 20 by 10.
    private static readonly SeriesHistory History = new([.. Enumerable.Range(0, 120).Select(i => i % 2 == 0 ? 9.0 : 11.0)], []);
    private static readonly BacktestOptions Backtest = new(8, 8, 3);
    private static readonly Dictionary<string, int> Config = new() { ["outputs"] = 1 };

    [Fact]
    public void Parameters_that_average_to_a_better_model_are_adopted_with_both_figures_in_the_note()
    {
        var decision = FederatedMerge.Decide(new LevelKind(), Local(level: 0, samples: 100), Received(level: 20, samples: 100), History, Backtest, 80);

        Assert.Null(decision.RefusedField);
        Assert.True(decision.Adopted);
        Assert.Equal([10f], decision.Merged!.Find("level")!.Values);
        Assert.Equal(200, decision.MergedSamples);
        Assert.True(decision.MergedMase < decision.LocalMase, $"{decision.MergedMase} vs {decision.LocalMase}");
        Assert.NotNull(decision.MergedBacktest);
        Assert.Contains("adopted", decision.Note, StringComparison.Ordinal);
        Assert.Contains("(100 samples) and peer-pool's (100 samples)", decision.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_that_average_to_a_worse_model_are_not_adopted()
    {
        // 300 local samples at 10 and 100 received at 0: (300·10 + 100·0) / 400 = 7.5, worse than 10.
        var decision = FederatedMerge.Decide(new LevelKind(), Local(level: 10, samples: 300), Received(level: 0, samples: 100), History, Backtest, 80);

        Assert.False(decision.Adopted);
        Assert.Equal([7.5f], decision.Merged!.Find("level")!.Values);
        Assert.True(decision.MergedMase > decision.LocalMase);
        Assert.Contains("rejected, not better", decision.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind")]
    [InlineData("config.outputs")]
    [InlineData("config.extra")]
    [InlineData("parameters.level")]
    [InlineData("parameters.other")]
    public void A_model_that_does_not_fit_is_refused_naming_the_field_and_nothing_is_averaged(string field)
    {
        var received = field switch
        {
            "kind" => Received(1, 10) with { Kind = "gbm" },
            "config.outputs" => Received(1, 10) with { Config = new Dictionary<string, int> { ["outputs"] = 2 } },
            "config.extra" => Received(1, 10) with { Config = new Dictionary<string, int> { ["outputs"] = 1, ["extra"] = 3 } },
            "parameters.level" => Received(1, 10) with { Tensors = [("level", [2], [1f, 2f])] },
            _ => Received(1, 10) with { Tensors = [("level", [1], [1f]), ("other", [1], [1f])] },
        };

        var decision = FederatedMerge.Decide(new LevelKind(), Local(0, 10), received, History, Backtest, 80);

        Assert.Equal(field, decision.RefusedField);
        Assert.False(decision.Adopted);
        Assert.Null(decision.Merged);
        Assert.Null(decision.MergedMase);
    }

    private static FederatedSide Local(float level, long samples) =>
        new(Config, new ModelParameters([new ParameterTensor("level", [1], [level])]), samples);

    private static FederatedReceived Received(float level, long samples) =>
        new("level", "peer-pool", Config, samples, [("level", [1], [level])]);

    /// <summary>A model kind with one parameter, <c>level</c>: every forecast is that constant.</summary>
    private sealed class LevelKind : IFederatedModelKind
    {
        public string Kind => "level";

        public IReadOnlyDictionary<string, int> Config(SeriesHistory history) => FederatedMergeTests.Config;

        public (ModelParameters Parameters, long Samples) Train(SeriesHistory history, ModelParameters? start) =>
            (new ModelParameters([new ParameterTensor("level", [1], [(float)history.Values.Average()])]), history.Values.Count);

        public void Check(ModelParameters parameters, IReadOnlyDictionary<string, int> config)
        {
            if (parameters.Tensors.FirstOrDefault(t => t.Name != "level") is { } extra)
            {
                throw new ArgumentException("not a parameter of this model", extra.Name);
            }

            if (parameters.Find("level") is not { Shape: [1] })
            {
                throw new ArgumentException("must have shape [1]", "level");
            }
        }

        public IForecaster Fixed(ModelParameters parameters) => new Constant(parameters.Find("level")!.Values[0]);

        private sealed class Constant(double level) : IForecaster, IFittedForecaster
        {
            public string Name => "level";

            public IFittedForecaster Fit(SeriesHistory history) => this;

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
            {
                var mean = Enumerable.Repeat(level, horizon).ToArray();
                return new ForecastResult(mean, [.. levels.Select(l => new PredictionInterval(l, mean, mean))]);
            }
        }
    }
}
