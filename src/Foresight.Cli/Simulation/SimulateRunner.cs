using Foresight.Autoscaling;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Learning;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;
using Spectre.Console;

namespace Foresight.Cli.Simulation;

/// <summary>Loads the trace, runs every policy asked for, prints the table and the machine lines, writes the report.</summary>
internal sealed class SimulateRunner(SimulateSettings settings)
{
    private static readonly TimeSpan[] Leads = [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];
    private readonly TimeProvider _clock = TimeProvider.System;

    public int Run()
    {
        var options = settings.Options;
        settings.Autoscaler.Validate(options.Pool with { MinWorkers = settings.MinWorkers ?? 0 });
        PlacementComparison.Validate(settings);
        _ = SimulationForecasters.Names.Contains(settings.Forecaster, StringComparer.OrdinalIgnoreCase)
            ? 0
            : throw new ArgumentException($"Unknown forecaster '{settings.Forecaster}'. Valid: {string.Join(", ", SimulationForecasters.Names)}.");
        foreach (var spec in settings.Specs.Concat(settings.Frontier ?? []))
        {
            if (!spec.Equals("static:auto", StringComparison.OrdinalIgnoreCase) && !spec.Equals("qlearning", StringComparison.OrdinalIgnoreCase))
            {
                _ = AutoscalerPolicies.Create(spec, settings.Autoscaler); // fail fast on a bad name or setting
            }
        }

        var loadStart = _clock.GetTimestamp();
        var jobTrace = TraceLoader.Load(settings.Kind, settings.Data, settings.Trace);
        AnsiConsole.MarkupLineInterpolated($"trace [bold]{jobTrace.Name}[/]: {jobTrace.Diagnostics} (read in {_clock.GetElapsedTime(loadStart).TotalSeconds:0.00} s)");
        if (settings.LabelsFromTrace)
        {
            options = options with { WorkerLabels = TraceLabels.Of(jobTrace).ToHashSet(StringComparer.Ordinal) };
            Console.WriteLine($"worker labels from the trace: {(options.WorkerLabels.Count == 0 ? "(none)" : string.Join(",", options.WorkerLabels.Order(StringComparer.Ordinal)))}");
        }

        TraceLabels.Check(jobTrace, options.WorkerLabels);
        if (settings.Placements is not null)
        {
            if (settings.Specs.Count != 1 || settings.Specs[0].Equals("qlearning", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("--compare-placement replays one --autoscaler (not --compare, not qlearning).");
            }

            return PlacementComparison.Run(settings, jobTrace, options, settings.Specs[0]);
        }

        if (PlacementComparison.IsDqn(options.Scheduling.Placement))
        {
            if (settings.Specs.Count != 1 || settings.Specs[0].Equals("qlearning", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("--placement dqn trains under one --autoscaler (not --compare, not qlearning).");
            }

            options = options with { Scheduling = PlacementComparison.TrainDqn(settings, jobTrace, options, settings.Specs[0]) };
        }

        var ours = settings.Specs.Concat(settings.Frontier ?? []).Any(AutoscalerPolicies.IsForecasting);
        if (settings.Online is not null && (!ours || settings.Forecaster.Trim().Equals("perfect", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException("--online learns the forecast of a forecasting policy (predictive, hybrid, cost, qlearning, keda-foresight): name one in --compare or --autoscaler, with a fitted --forecaster (not perfect).");
        }

        var forecast = ours ? SimulationForecasters.Create(settings.Forecaster, jobTrace, options.Pool, settings.Forecast with { Online = settings.Online }) : null;
        var extra = ours ? ForecastFigures(forecast!, jobTrace, options.Pool) : [];

        var runs = new List<PolicyRun>();
        var autoscaler = settings.Autoscaler;
        foreach (var spec in settings.Specs)
        {
            if (spec.Equals("qlearning", StringComparison.OrdinalIgnoreCase))
            {
                autoscaler = TrainQLearning(options, forecast!, jobTrace);
            }

            runs.Add(RunOne(options, autoscaler, forecast, jobTrace, spec, extra));
        }

        var frontier = (settings.Frontier ?? []).Select(spec => RunOne(options, autoscaler, forecast, jobTrace, spec, extra)).ToList();
        SimulationReport.PrintTable(runs);
        foreach (var run in runs.Where(r => r.Note is not null))
        {
            Console.WriteLine($"{run.Result.Policy}: {run.Note}");
        }

        if (settings.WriteReport)
        {
            var plots = SimulationPlots.Write(runs, settings.Output, "autoscaling");
            if (frontier.Count > 0 || runs.Count > 1)
            {
                plots.AddRange(SimulationPlots.Frontier([.. runs, .. frontier], settings.Output, "autoscaling", options.WaitTarget.TotalSeconds));
            }

            var command = "foresight " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));
            var markdown = SimulationReport.Markdown([.. runs, .. frontier], jobTrace, options, command, plots);
            var page = Path.Combine(settings.Output, "autoscaling-compare.md");
            File.WriteAllText(page, markdown);
            Console.WriteLine($"wrote {page} and {plots.Count} plots");
        }

        foreach (var run in runs.Concat(frontier))
        {
            Console.WriteLine(SimulationReport.MachineLine(run));
        }

        if (settings.Online is not null)
        {
            CompareWithoutOnline(options, autoscaler, (ArrivalForecastProvider)forecast!, jobTrace);
        }

        return 0;
    }

    /// <summary>
    /// <c>--online</c>: the same replay of our policies with the forecaster refitted on its schedule only, then the drift
    /// figures of both (the detector watches both; only the online one refits on a signal).
    /// </summary>
    private void CompareWithoutOnline(Foresight.Simulation.Engine.SimulationOptions options, AutoscalerSettings autoscaler, ArrivalForecastProvider online, JobTrace trace)
    {
        var scheduled = new ArrivalForecastProvider(trace, SimulationForecasters.Model(settings.Forecaster), settings.Forecast with { Online = null });
        Console.WriteLine("without online learning (scheduled refits only):");
        var extra = ForecastFigures(scheduled, trace, options.Pool);
        foreach (var spec in settings.Specs.Where(AutoscalerPolicies.IsForecasting))
        {
            Console.WriteLine("without_online " + SimulationReport.MachineLine(RunOne(options, autoscaler, scheduled, trace, spec, extra)));
        }

        var on = online.Online(settings.ChangeAt);
        var off = scheduled.Online(settings.ChangeAt);
        static string T(DateTimeOffset? at) => at is { } t ? t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "none";
        static string N(double v) => double.IsFinite(v) ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "NaN";
        Console.WriteLine($"online: {on.Detector} signalled {on.Detections.Count} times ({string.Join(", ", on.Detections.Select(d => T(d)))}), {on.DriftRefits} refits on drift; {on.Scored} buckets scored; MAE in arrivals per {settings.Forecast.Bucket.TotalMinutes} min bucket");
        Console.WriteLine(
            $"online detector={on.Detector} change_at={T(settings.ChangeAt)} drift_detected_at={T(on.DetectedAt)} detections={on.Detections.Count} false_alarms={on.FalseAlarms} " +
            $"drift_refits={on.DriftRefits} forecast_mae_before={N(on.MaeBefore)} forecast_mae_after={N(on.MaeAfter)} forecast_mae_after_without_online={N(off.MaeAfter)}");
    }

    private PolicyRun RunOne(Foresight.Simulation.Engine.SimulationOptions options, AutoscalerSettings autoscaler, IForecastProvider? forecast, JobTrace trace, string spec, IReadOnlyList<(string, double)> forecastFigures)
    {
        var runner = new BaselineRunner(options, settings.MinWorkers, autoscaler, forecast);
        var started = _clock.GetTimestamp();
        var result = runner.Run(trace, spec);
        var elapsed = _clock.GetElapsedTime(started);
        string? note = null;
        if (runner.LastSearch.Count > 0)
        {
            note = $"binary search over fleet sizes for wait p95 <= {options.WaitTarget.TotalSeconds} s; tried {string.Join(", ", runner.LastSearch.Select(p => $"{p.Workers}{(p.Met ? " ok" : " no")}"))}; the wall time includes every probe";
        }

        if (result.Rejected.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{result.Policy}: rejected at arrival: {string.Join("; ", result.Rejected.Select(r => $"{r.Value} {r.Key}"))}");
        }

        if (result.Unfinished > 0 || result.Aborted)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{result.Policy}: {result.Unfinished} jobs unfinished when the run stopped{(result.Aborted ? " (aborted)" : string.Empty)}[/]");
        }

        // Pre-warm success is printed for every policy, so ours can be read against the baselines' (and the oracle's).
        var prewarm = ("prewarm_success", PrewarmSuccess.Share(result.Series));
        (string, double)[] figures = AutoscalerPolicies.IsForecasting(spec) ? [.. forecastFigures, prewarm] : [prewarm];
        return new PolicyRun(spec, result, elapsed, note) { Extra = figures };
    }

    private List<(string, double)> ForecastFigures(IForecastProvider forecast, JobTrace trace, Autoscaling.Observations.PoolLimits pool)
    {
        var started = _clock.GetTimestamp();
        var accuracy = ForecastAccuracy.Evaluate(forecast, trace, pool, settings.Forecast.Bucket, Leads);
        var fits = forecast is ArrivalForecastProvider p ? $"; {p.FitCounts.Fits} fits, {p.FitCounts.Failed} failed" : string.Empty;
        Console.WriteLine($"forecaster {settings.Forecaster}: bucket {settings.Forecast.Bucket.TotalMinutes} min, refit every {settings.Forecast.RefitEvery.TotalMinutes} min, level {settings.Forecast.Level} %{fits}; "
            + string.Join("; ", accuracy.Select(a => $"MAE {a.Lead.TotalMinutes} min ahead {a.Mae:0.##} workers ({a.Scored} origins, {a.Missing} without forecast)"))
            + $" (computed in {_clock.GetElapsedTime(started).TotalSeconds:0.0} s)");
        return [("forecast_mae_15m", accuracy[0].Mae), ("forecast_mae_60m", accuracy[1].Mae)];
    }

    private AutoscalerSettings TrainQLearning(Foresight.Simulation.Engine.SimulationOptions options, IForecastProvider forecast, JobTrace trace)
    {
        var started = _clock.GetTimestamp();
        var gate = new QLearningTrainer(options, settings.Autoscaler, forecast, settings.TrainEpochs, settings.TrainShare).Train(trace);
        Console.WriteLine($"qlearning: trained {settings.TrainEpochs} passes on jobs before {gate.Split:O} ({gate.Table}) in {_clock.GetElapsedTime(started).TotalSeconds:0.0} s");
        Console.WriteLine(gate.ToString());
        if (!gate.Passed)
        {
            Console.WriteLine("qlearning is not selectable for this trace (it did not beat hybrid on the held-out part); its full-trace figures below are shown for comparison only.");
        }

        return settings.Autoscaler with { QTable = gate.Table, QTablePassedGate = gate.Passed, QTableGateOverride = true };
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? $"\"{arg}\"" : arg;
}
