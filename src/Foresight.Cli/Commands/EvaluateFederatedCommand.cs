using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Foresight.Forecasting;
using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Federated;
using Foresight.Forecasting.Metrics;
using Foresight.Forecasting.Models;
using Foresight.Neural.Federated;
using Foresight.Neural.Lstm;

namespace Foresight.Cli.Commands;

/// <summary>
/// <c>foresight evaluate federated</c>: splits the M4 Hourly series between N clusters and scores, on the official test
/// horizon (h = 48, m = 24, OWA relative to Naive2), (a) one LSTM per cluster trained on its own series only, (b) one
/// LSTM trained by FedAvg across the clusters (only parameters are exchanged; FedProx with <c>--prox-mu</c>), then
/// fine-tuned by each cluster on its own series for <c>--fine-tune</c> of the budget (personalised FedAvg), which a
/// cluster adopts only if it passes the promotion gate's rule (<see cref="FederatedGate"/>) on a validation window at
/// the end of its own training series (<c>--gate</c>), else it keeps its local model from (a), and
/// (c) one LSTM trained on all series.
/// Every cluster spends the same optimiser steps in (a) and (b) (<c>--rounds</c> × <c>--local-steps</c>), and the
/// pooled model as many again.
/// </summary>
internal static class EvaluateFederatedCommand
{
    private const int Horizon = 48;
    private const int Period = 24;
    private static readonly double[] Levels = [];

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder with M4_Hourly-train.csv and M4_Hourly-test.csv", DefaultValueFactory = _ => "../shared/data/m4" };
        var clusters = new Option<int>("--clusters") { Description = "Clusters the series are split between (2..16)", DefaultValueFactory = _ => 2 };
        var series = new Option<int>("--series") { Description = "Only the first N series (0 = all 414)", DefaultValueFactory = _ => 0 };
        var split = new Option<string>("--split") { Description = "contiguous (cluster c holds the c-th block of series ids) or round-robin (series i goes to cluster i mod N)", DefaultValueFactory = _ => "contiguous" };
        var rounds = new Option<int>("--rounds") { Description = "FedAvg rounds (of the budget rounds × local-steps; --fine-tune takes its share of them)", DefaultValueFactory = _ => 40 };
        var localSteps = new Option<int>("--local-steps") { Description = "Mini-batches each cluster trains per round (the local-only and pooled models train rounds × local-steps)", DefaultValueFactory = _ => 50 };
        var optimizer = new Option<string>("--optimizer") { Description = "keep: each cluster keeps its Adam state between rounds; reset: a fresh optimiser every round", DefaultValueFactory = _ => "keep" };
        var fineTune = new Option<double>("--fine-tune") { Description = "Share of each cluster's budget (rounds × local-steps) spent fine-tuning the final global model on its own series (personalised FedAvg); the FedAvg rounds get the rest. 0 = plain FedAvg", DefaultValueFactory = _ => 0.2 };
        var proxMu = new Option<double>("--prox-mu") { Description = "FedProx μ: in the rounds each cluster's loss adds μ/2·‖w − w_global‖² (0 = none)", DefaultValueFactory = _ => 0 };
        var gate = new Option<string>("--gate") { Description = "Which model each cluster serves: series (each series gets the federated model only if its validation figure is lower than the local model's, else the local one — as each pool of a cluster decides for itself), cluster (that rule on the mean over the cluster's series, for all of them) or none (the federated model everywhere)", DefaultValueFactory = _ => "series" };
        var gateMetric = new Option<string>("--gate-metric") { Description = "What the gate compares on the validation window: mase (the cluster's promotion gate's figure) or owa (sMAPE and MASE relative to Naive2's on the same window, the figure this evaluation reports)", DefaultValueFactory = _ => "mase" };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation and batch sampling", DefaultValueFactory = _ => 42 };
        var command = new Command("federated", "M4 Hourly split between clusters: OWA of local-only LSTMs, a FedAvg LSTM and a pooled LSTM.")
        {
            data, clusters, series, split, rounds, localSteps, optimizer, fineTune, proxMu, gate, gateMetric, seed,
        };
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(data)!, parse.GetValue(clusters), parse.GetValue(series), parse.GetValue(split)!, parse.GetValue(rounds), parse.GetValue(localSteps), parse.GetValue(optimizer)!, parse.GetValue(fineTune), parse.GetValue(proxMu), parse.GetValue(gate)!, parse.GetValue(gateMetric)!, parse.GetValue(seed));
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException)
            {
                return ClientCommands.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>The cluster of each series: contiguous blocks of near-equal size, or round-robin.</summary>
    internal static int[] Split(int count, int clusters, string split) => split switch
    {
        "contiguous" => [.. Enumerable.Range(0, count).Select(i => (int)((long)i * clusters / count))],
        "round-robin" => [.. Enumerable.Range(0, count).Select(i => i % clusters)],
        _ => throw new ArgumentException($"--split: unknown split '{split}'; use contiguous or round-robin."),
    };

    private static int Run(string dataDir, int clusterCount, int limit, string split, int rounds, int localSteps, string optimizer, double fineTune, double proxMu, string gate, string gateMetric, int seed)
    {
        if (gateMetric is not ("mase" or "owa"))
        {
            throw new ArgumentException($"--gate-metric: must be mase or owa, not '{gateMetric}'.");
        }

        if (gate is not ("cluster" or "series" or "none"))
        {
            throw new ArgumentException($"--gate: must be cluster, series or none, not '{gate}'.");
        }

        if (!(proxMu >= 0 && proxMu <= 100))
        {
            throw new ArgumentException($"--prox-mu: must be between 0 and 100, not {proxMu.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!(fineTune >= 0 && fineTune < 1))
        {
            throw new ArgumentException($"--fine-tune: must be at least 0 and below 1, not {fineTune.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (optimizer is not ("keep" or "reset"))
        {
            throw new ArgumentException($"--optimizer: must be keep or reset, not '{optimizer}'.");
        }

        if (clusterCount is < 2 or > 16)
        {
            throw new ArgumentException($"--clusters: must be between 2 and 16, not {clusterCount}.");
        }

        if (rounds is < 1 or > 1000 || localSteps is < 1 or > 100_000)
        {
            throw new ArgumentException("--rounds must be 1..1000 and --local-steps 1..100000.");
        }

        if (!ForecasterRegistry.LibTorchInstalled)
        {
            throw new ArgumentException($"The federated evaluation trains the LSTM: {ForecasterRegistry.NoLibTorch}");
        }

        var train = EvaluateM4Data.ReadWide(Path.Combine(dataDir, "M4_Hourly-train.csv"));
        var test = EvaluateM4Data.ReadWide(Path.Combine(dataDir, "M4_Hourly-test.csv")).ToDictionary(r => r.Id, r => r.Values);
        if (limit > 0)
        {
            train = [.. train.Take(limit)];
        }

        if (train.Count < clusterCount)
        {
            throw new ArgumentException($"--series: {train.Count} series cannot be split between {clusterCount} clusters.");
        }

        var cluster = Split(train.Count, clusterCount, split);
        var histories = train.Select(s => new SeriesHistory(s.Values, [Period])).ToList();
        var members = Enumerable.Range(0, clusterCount).Select(c => Enumerable.Range(0, train.Count).Where(i => cluster[i] == c).ToList()).ToList();
        var steps = rounds * localSteps;
        var (federatedRounds, fineTuneSteps) = Budget(rounds, localSteps, fineTune);
        var options = new LstmOptions { Seed = seed, Threads = 1, TrainingSteps = steps };
        Console.WriteLine(Inv($"M4 Hourly: {train.Count} series, h={Horizon}, m={Period}; clusters={clusterCount} ({string.Join('/', members.Select(m => m.Count))} series, split {split}); LSTM window 48, 1 torch thread"));

        // Naive2, the OWA reference.
        var naive2 = new Dictionary<string, (double SMape, double Mase)>();
        for (var i = 0; i < train.Count; i++)
        {
            naive2[train[i].Id] = Score(i, new Naive2Forecaster().Fit(histories[i]), train, test);
        }

        var clock = Stopwatch.StartNew();

        // (a) local only: each cluster trains on its own series and forecasts them.
        var local = new Dictionary<string, (double SMape, double Mase)>();
        var localParameters = new List<ModelParameters>();
        foreach (var m in members)
        {
            List<SeriesHistory> own = [.. m.Select(i => histories[i])];
            localParameters.Add(new LstmForecaster(options).Train(own).Parameters);
            var fitted = new LstmForecaster(options).FromParameters(own, localParameters[^1]);
            for (var k = 0; k < m.Count; k++)
            {
                local[train[m[k]].Id] = Score(m[k], fitted[k], train, test);
            }
        }

        var localSeconds = clock.Elapsed.TotalSeconds;
        Report("local", local, members, train, naive2, localSeconds);

        // (b) federated: FedAvg rounds, the clusters exchange parameters only; then each cluster fine-tunes the final
        // global model on its own series for the rest of its budget (personalised FedAvg; none with --fine-tune 0).
        clock.Restart();
        var trainedFederated = FederatedLstm.TrainPersonalised(
            options with { TrainingSteps = localSteps, ProximalMu = proxMu },
            [.. members.Select(m => (IReadOnlyList<SeriesHistory>)[.. m.Select(i => histories[i])])],
            federatedRounds,
            fineTuneSteps,
            (round, trained) => Console.WriteLine(Inv($"  round {round + 1}/{federatedRounds}: samples {string.Join('/', trained.Select(t => t.Samples))}, {clock.Elapsed.TotalSeconds:F0} s")),
            keepOptimizerState: optimizer == "keep");
        if (fineTuneSteps > 0)
        {
            Console.WriteLine(Inv($"  fine-tuned the global model on each cluster's own series: {fineTuneSteps} mini-batches, {clock.Elapsed.TotalSeconds:F0} s"));
        }

        var personalised = new Dictionary<string, (double SMape, double Mase)>();
        for (var c = 0; c < members.Count; c++)
        {
            // Each cluster calibrates and forecasts its own series with its parameters (the global ones, fine-tuned).
            var m = members[c];
            var fitted = new LstmForecaster(options).FromParameters([.. m.Select(i => histories[i])], trainedFederated.Personal[c]);
            for (var k = 0; k < m.Count; k++)
            {
                personalised[train[m[k]].Id] = Score(m[k], fitted[k], train, test);
            }
        }

        var federatedSeconds = clock.Elapsed.TotalSeconds;
        Report("fed-all", personalised, members, train, naive2, federatedSeconds);

        // The gate: each cluster serves the federated model only where it passes the promotion gate's rule against
        // its local model on its own data, else keeps the local model; the served forecasts are scored.
        clock.Restart();
        var adopt = gate == "none"
            ? [.. train.Select(_ => true)]
            : Adoptions(gate, gateMetric == "owa", members, histories, new LstmFederatedModel(options), localParameters, trainedFederated.Personal);
        var federated = Enumerable.Range(0, train.Count).ToDictionary(i => train[i].Id, i => adopt[i] ? personalised[train[i].Id] : local[train[i].Id]);
        Report("federated", federated, members, train, naive2, clock.Elapsed.TotalSeconds);

        // (c) pooled: one model on every series.
        clock.Restart();
        var pooledFitted = new LstmForecaster(options).FitMany(histories);
        var pooled = new Dictionary<string, (double SMape, double Mase)>();
        for (var i = 0; i < train.Count; i++)
        {
            pooled[train[i].Id] = Score(i, pooledFitted[i], train, test);
        }

        Report("pooled", pooled, members, train, naive2, clock.Elapsed.TotalSeconds);

        double Owa(Dictionary<string, (double SMape, double Mase)> s) => EvaluateM4Command.Aggregate("x", "foresight", s, naive2).Owa;
        var (lo, fo, po) = (Owa(local), Owa(federated), Owa(pooled));
        Console.WriteLine(Inv($"federated closer to pooled than local: {(Math.Abs(fo - po) < Math.Abs(lo - po) ? "yes" : "no")} (|federated - pooled| {Math.Abs(fo - po):F3}, |local - pooled| {Math.Abs(lo - po):F3})"));
        Console.WriteLine(Inv($"clusters={clusterCount} series={train.Count} split={split} rounds={rounds} local_steps={localSteps} optimizer={optimizer} fine_tune_steps={fineTuneSteps} prox_mu={proxMu} steps={steps} gate={gate} gate_metric={gateMetric} adopted={adopt.Count(a => a)}/{train.Count} seed={seed} local_owa={lo:F3} federated_owa={fo:F3} pooled_owa={po:F3}"));
        return 0;
    }

    /// <summary>
    /// Whether each series is served the federated (personalised) model: the promotion gate's rule
    /// (<see cref="FederatedGate.Decide"/>) on a rolling-origin backtest of one window of <see cref="Horizon"/> points
    /// at the end of each series' training part, run with the cluster's local parameters and its federated ones
    /// (<see cref="LstmFederatedModel.Fixed"/>, as the cluster's merge gate runs them). The LSTM never trains on a
    /// series' last horizon + calibration − 1 points (its training targets end before the first calibration origin's,
    /// see <see cref="LstmForecaster.Train(IReadOnlyList{SeriesHistory}, ModelParameters?)"/>), so that window is held
    /// out of every arm's training while every arm trains on the same data; the M4 test horizon is never read.
    /// Per cluster (<c>cluster</c>: the mean MASE over its series decides for all of them) or per series (<c>series</c>);
    /// by OWA against Naive2's backtest on the same window with <paramref name="byOwa"/>.
    /// </summary>
    internal static bool[] Adoptions(string gate, bool byOwa, List<List<int>> members, List<SeriesHistory> histories, IFederatedModelKind kind, IReadOnlyList<ModelParameters> local, IReadOnlyList<ModelParameters> federated)
    {
        var window = new BacktestOptions(Horizon, Horizon, 1);
        var adopt = new bool[histories.Count];
        for (var c = 0; c < members.Count; c++)
        {
            var m = members[c];
            var localBacktests = m.Select(i => RollingOriginBacktest.Run(kind.Fixed(local[c]), histories[i], window)).ToList();
            var federatedBacktests = m.Select(i => RollingOriginBacktest.Run(kind.Fixed(federated[c]), histories[i], window)).ToList();
            var naive2Backtests = m.Select(i => RollingOriginBacktest.Run(new Naive2Forecaster(), histories[i], window)).ToList();
            var decision = FederatedGate.Decide(federatedBacktests, localBacktests, byOwa ? naive2Backtests : null);
            var owa = FederatedGate.Decide(federatedBacktests, localBacktests, naive2Backtests);
            var adopted = 0;
            for (var k = 0; k < m.Count; k++)
            {
                adopt[m[k]] = gate == "cluster" ? decision.Adopted : FederatedGate.Decide([federatedBacktests[k]], [localBacktests[k]], byOwa ? [naive2Backtests[k]] : null).Adopted;
                adopted += adopt[m[k]] ? 1 : 0;
            }

            Console.WriteLine(Inv($"  gate cluster {c + 1}: validation MASE federated {owa.CandidateMase:F3} vs local {owa.LocalMase:F3}, sMAPE {owa.CandidateSMape:F3} vs {owa.LocalSMape:F3}, OWA {owa.CandidateOwa:F3} vs {owa.LocalOwa:F3} (last {Horizon} points of each training series, by {(byOwa ? "OWA" : "MASE")}): {(gate == "cluster" ? (decision.Adopted ? "adopted the federated model" : "kept its local model") : $"{adopted}/{m.Count} series adopted the federated model")}"));
        }

        return adopt;
    }

    /// <summary>
    /// Splits a cluster's budget of <paramref name="rounds"/> × <paramref name="localSteps"/> mini-batches between
    /// whole FedAvg rounds (at least one) and fine-tuning, which takes about <paramref name="fineTune"/> of it and
    /// whatever the whole rounds leave.
    /// </summary>
    internal static (int Rounds, int FineTuneSteps) Budget(int rounds, int localSteps, double fineTune)
    {
        var budget = rounds * localSteps;
        var federatedRounds = Math.Max(1, (int)Math.Round((budget - (fineTune * budget)) / localSteps));
        return (federatedRounds, budget - (federatedRounds * localSteps));
    }

    private static (double SMape, double Mase) Score(int i, IFittedForecaster fitted, List<(string Id, double[] Values)> train, Dictionary<string, double[]> test)
    {
        var actual = test[train[i].Id];
        var forecast = fitted.Predict(Horizon, Levels);
        return (ForecastMetrics.SMape(actual, forecast.Mean), ForecastMetrics.Mase(actual, forecast.Mean, train[i].Values, Period));
    }

    private static void Report(string name, Dictionary<string, (double SMape, double Mase)> scores, List<List<int>> members, List<(string Id, double[] Values)> train, Dictionary<string, (double SMape, double Mase)> naive2, double seconds)
    {
        var all = EvaluateM4Command.Aggregate(name, "foresight", scores, naive2);
        var perCluster = members.Select((m, c) => EvaluateM4Command.Aggregate(name, "foresight", m.ToDictionary(i => train[i].Id, i => scores[train[i].Id]), naive2).Owa);
        Console.WriteLine(Inv($"{name,-10} sMAPE {all.SMape,7:F3}  MASE {all.Mase,6:F3}  OWA {all.Owa,6:F3}  per cluster OWA {string.Join(' ', perCluster.Select(o => o.ToString("F3", CultureInfo.InvariantCulture)))}  {seconds,6:F1} s"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
