using Foresight.Forecasting;
using Foresight.Forecasting.Federated;
using Foresight.Neural.Federated;
using Foresight.Neural.Lstm;
using Xunit.Abstractions;

namespace Foresight.Neural.Tests;

public sealed class FederatedLstmTests(ITestOutputHelper output)
{
    private static readonly LstmOptions Fast = new() { Horizon = 24, Hidden = 16, TrainingSteps = 40, BatchSize = 32, Threads = 1, Seed = 7 };

    [Fact]
    public void Training_exports_named_parameters_and_fitting_from_them_forecasts_as_FitMany_does()
    {
        SeriesHistory[] histories = [SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 1)), SyntheticSeries.History(SyntheticSeries.Seasonal(320, seed: 2))];
        var training = new LstmForecaster(Fast).Train(histories);

        var features = LstmForecaster.FeaturesFor([24]);
        Assert.Equal(
            LstmParameters.Shapes(features, Fast.Hidden, Fast.Horizon).Select(s => (s.Name, string.Join(',', s.Shape))),
            training.Parameters.Tensors.Select(t => (t.Name, string.Join(',', t.Shape))));
        // Training origins per series: n − 2h − calibration + 1 − window + 1 (window 48, 48 calibration origins).
        Assert.Equal((300 - 48 - 48 + 1 - 48 + 1) + (320 - 48 - 48 + 1 - 48 + 1), training.Samples);

        var viaParameters = new LstmForecaster(Fast).FromParameters(histories, training.Parameters);
        var direct = new LstmForecaster(Fast).FitMany(histories);
        Assert.Equal(direct[1].Predict(30, [80]).Mean, viaParameters[1].Predict(30, [80]).Mean);
        Assert.Equal(direct[1].Predict(30, [80]).Intervals[0].Upper, viaParameters[1].Predict(30, [80]).Intervals[0].Upper);
    }

    [Fact]
    public void Training_from_given_parameters_starts_there_and_a_wrong_shape_is_refused_naming_it()
    {
        var history = SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 3));
        var trained = new LstmForecaster(Fast).Train([history]).Parameters;
        // A learning rate of 0 keeps the start: what comes back is exactly what went in.
        var kept = new LstmForecaster(Fast with { LearningRate = 0, Seed = 99 }).Train([history], trained).Parameters;
        Assert.All(trained.Tensors, t => Assert.Equal(t.Values, kept.Find(t.Name)!.Values));

        var wrong = new ModelParameters(trained.Tensors.Select(t => t.Name == "head.weight" ? new ParameterTensor(t.Name, [t.Shape[0] + 1, t.Shape[1]], new float[(t.Shape[0] + 1) * t.Shape[1]]) : t));
        var e = Assert.Throws<ArgumentException>(() => new LstmForecaster(Fast).Train([history], wrong));
        Assert.Equal("head.weight", e.ParamName);
        Assert.Equal("head.weight", Assert.Throws<ArgumentException>(() => new LstmForecaster(Fast).FromParameters([history], wrong)).ParamName);
    }

    [Fact]
    public void Training_never_reads_a_series_last_horizon_plus_calibration_minus_one_points()
    {
        // Horizon 24, 48 calibration origins: training targets end before the first calibration target, so the last
        // 71 points are neither a training input nor a target (evaluate federated validates on that tail).
        var values = SyntheticSeries.Seasonal(300, seed: 9);
        var trained = new LstmForecaster(Fast).Train([SyntheticSeries.History(values)]).Parameters;

        var tailChanged = (double[])values.Clone();
        for (var i = values.Length - 71; i < values.Length; i++)
        {
            tailChanged[i] *= 1.5;
        }

        var sameTraining = new LstmForecaster(Fast).Train([SyntheticSeries.History(tailChanged)]).Parameters;
        Assert.All(trained.Tensors, t => Assert.Equal(t.Values, sameTraining.Find(t.Name)!.Values));

        // One point further back is the last training origins' target: training changes.
        var targetChanged = (double[])values.Clone();
        targetChanged[values.Length - 72] *= 1.5;
        var otherTraining = new LstmForecaster(Fast).Train([SyntheticSeries.History(targetChanged)]).Parameters;
        Assert.NotEqual(trained.Find("head.weight")!.Values, otherTraining.Find("head.weight")!.Values);
    }

    [Fact]
    public void FedAvg_rounds_average_the_participants_and_the_global_model_forecasts_both()
    {
        const int horizon = 24;
        // Two participants whose series differ in level and shape; each keeps its last day for scoring.
        var a = new[] { SyntheticSeries.Seasonal(400, seed: 4), SyntheticSeries.Seasonal(420, seed: 5) };
        var b = new[] { SyntheticSeries.Seasonal(360, seed: 6, level: 3000, amplitude: 900, noise: 40) };
        IReadOnlyList<SeriesHistory> Histories(double[][] s) => [.. s.Select(v => SyntheticSeries.History(v[..^horizon]))];

        var lastRound = new List<LstmTraining>();
        var global = FederatedLstm.Train(Fast with { TrainingSteps = 60 }, [Histories(a), Histories(b)], rounds: 4, (round, trained) =>
        {
            lastRound.Clear();
            lastRound.AddRange(trained);
        });

        // The global parameters are the last round's, averaged by sample count.
        var expected = FedAvg.Average([.. lastRound.Select(t => (t.Parameters, t.Samples))]);
        Assert.All(expected.Tensors, t => Assert.Equal(t.Values, global.Find(t.Name)!.Values));
        Assert.True(lastRound[0].Samples > lastRound[1].Samples);

        foreach (var (series, name) in new[] { (a, "a"), (b, "b") })
        {
            var fitted = new LstmForecaster(Fast).FromParameters(Histories(series), global);
            for (var s = 0; s < series.Length; s++)
            {
                var actual = series[s][^horizon..];
                var forecast = fitted[s].Predict(horizon, []).Mean;
                var mae = actual.Zip(forecast, (x, y) => Math.Abs(x - y)).Average();
                var naive = actual.Average(x => Math.Abs(x - series[s][^(horizon + 1)]));
                output.WriteLine($"participant={name} series={s} mae_federated={mae:F3} mae_naive={naive:F3}");
                Assert.True(mae < 0.5 * naive, $"participant {name} series {s}: federated MAE {mae:F3} vs naive {naive:F3}");
            }
        }
    }

    [Fact]
    public void A_trainer_keeps_its_optimiser_between_runs_and_one_run_equals_Train()
    {
        SeriesHistory[] histories = [SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 8))];
        var forecaster = new LstmForecaster(Fast);
        var once = forecaster.Train(histories);
        using (var trainer = forecaster.StartTraining(histories))
        {
            var run = trainer.Run(null, Fast.TrainingSteps);
            Assert.Equal(once.Samples, run.Samples);
            Assert.All(once.Parameters.Tensors, t => Assert.Equal(t.Values, run.Parameters.Find(t.Name)!.Values));
        }

        // Two runs of 20 on one trainer continue where the first stopped: the same as one run of 40.
        using var split = forecaster.StartTraining(histories);
        var first = split.Run(null, 20);
        var second = split.Run(first.Parameters, 20);
        Assert.All(once.Parameters.Tensors, t => Assert.Equal(t.Values, second.Parameters.Find(t.Name)!.Values));

        // The federated rounds with kept optimisers run as well, one participant being plain training in rounds.
        var global = FederatedLstm.Train(Fast with { TrainingSteps = 20 }, [histories], rounds: 2, keepOptimizerState: true);
        Assert.All(once.Parameters.Tensors, t => Assert.Equal(t.Values, global.Find(t.Name)!.Values));
    }

    [Fact]
    public void Fine_tuning_trains_the_final_global_model_on_each_participants_own_series_only()
    {
        IReadOnlyList<SeriesHistory> a = [SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 11))];
        IReadOnlyList<SeriesHistory> b = [SyntheticSeries.History(SyntheticSeries.Seasonal(320, seed: 12, level: 3000, amplitude: 900, noise: 40))];
        var options = Fast with { TrainingSteps = 20 };

        // A fresh optimiser per round: participant a's model is the global model trained on a's windows alone, with the
        // round after the last one's seed — exactly what training a from the global parameters gives.
        var result = FederatedLstm.TrainPersonalised(options, [a, b], rounds: 2, fineTuneSteps: 15);
        var global = FederatedLstm.Train(options, [a, b], rounds: 2);
        Assert.All(global.Tensors, t => Assert.Equal(t.Values, result.Global.Find(t.Name)!.Values));
        for (var p = 0; p < 2; p++)
        {
            var own = new LstmForecaster(options with { Seed = options.Seed + 2, TrainingSteps = 15 }).Train(p == 0 ? a : b, global).Parameters;
            Assert.All(own.Tensors, t => Assert.Equal(t.Values, result.Personal[p].Find(t.Name)!.Values));
        }

        Assert.NotEqual(result.Personal[0].Find("head.weight")!.Values, result.Personal[1].Find("head.weight")!.Values);

        // Kept optimisers: one participant alone is plain training, rounds and fine-tuning together (2 × 20 + 15 = 55).
        var single = FederatedLstm.TrainPersonalised(options, [a], rounds: 2, fineTuneSteps: 15, keepOptimizerState: true);
        var plain = new LstmForecaster(Fast with { TrainingSteps = 55 }).Train(a).Parameters;
        Assert.All(plain.Tensors, t => Assert.Equal(t.Values, single.Personal[0].Find(t.Name)!.Values));

        // No fine-tuning: every participant uses the global parameters.
        var none = FederatedLstm.TrainPersonalised(options, [a, b], rounds: 1, fineTuneSteps: 0, keepOptimizerState: true);
        Assert.All(none.Personal, p => Assert.Same(none.Global, p));
    }

    [Fact]
    public void FedProx_keeps_a_round_near_the_parameters_it_started_from_and_changes_nothing_without_a_start()
    {
        IReadOnlyList<SeriesHistory> a = [SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 13))];
        var start = new LstmForecaster(Fast with { TrainingSteps = 10 }).Train(a).Parameters;
        double Distance(ModelParameters p) => Math.Sqrt(p.Tensors.Sum(t => t.Values.Zip(start.Find(t.Name)!.Values, (x, y) => (double)(x - y) * (x - y)).Sum()));

        var free = new LstmForecaster(Fast with { Seed = 21 }).Train(a, start).Parameters;
        var proximal = new LstmForecaster(Fast with { Seed = 21, ProximalMu = 10 }).Train(a, start).Parameters;
        output.WriteLine($"distance from the start: free {Distance(free):F4}, fedprox mu=10 {Distance(proximal):F4}");
        Assert.True(Distance(proximal) < 0.5 * Distance(free), $"{Distance(proximal)} vs {Distance(free)}");

        // Without a start there is nothing to stay near: the term is not added.
        var plain = new LstmForecaster(Fast).Train(a).Parameters;
        var withMu = new LstmForecaster(Fast with { ProximalMu = 10 }).Train(a).Parameters;
        Assert.All(plain.Tensors, t => Assert.Equal(t.Values, withMu.Find(t.Name)!.Values));
    }
}
