using Foresight.Forecasting.Metrics;

namespace Foresight.Forecasting.Online;

/// <summary>Settings of a replay: the first fit's length, the scheduled refit period, the detector, and the least data a refit after drift uses.</summary>
public sealed record OnlineReplaySettings(int TrainLength, int RefitEvery, string Detector, DriftSettings? Drift = null, int MinRefitLength = 0);

/// <summary>
/// What a replay measured: the one-step-ahead absolute errors of the scheduled-only model and of the online one (whose
/// refits also follow the drift signals), the positions of those signals and of the refits they caused, and MAE
/// before and after <see cref="ChangePoint"/> (when given) for both.
/// </summary>
public sealed record OnlineReplayResult(
    int? ChangePoint,
    IReadOnlyList<int> Detections,
    double[] StaticErrors,
    double[] OnlineErrors,
    int TrainLength)
{
    /// <summary>The first signal at or after the change point (all signals count when there is none).</summary>
    public int? DetectedAt => Detections.Cast<int?>().FirstOrDefault(d => d >= (ChangePoint ?? 0));

    /// <summary>Signals before the change point.</summary>
    public int FalseAlarms => ChangePoint is { } c ? Detections.Count(d => d < c) : 0;

    public double MaeBefore => Mae(StaticErrors, TrainLength, ChangePoint ?? StaticErrors.Length);

    public double MaeAfterStatic => Mae(StaticErrors, ChangePoint ?? TrainLength, StaticErrors.Length);

    public double MaeAfterOnline => Mae(OnlineErrors, ChangePoint ?? TrainLength, OnlineErrors.Length);

    private static double Mae(double[] errors, int from, int to)
    {
        double s = 0;
        var n = 0;
        for (var t = from; t < to; t++)
        {
            if (double.IsFinite(errors[t]))
            {
                s += errors[t];
                n++;
            }
        }

        return n == 0 ? double.NaN : s / n;
    }
}

/// <summary>
/// Replays a series through online learning, pure: a model is fitted on the first <see cref="OnlineReplaySettings.TrainLength"/>
/// points and refitted on everything seen every <see cref="OnlineReplaySettings.RefitEvery"/> points (the reminder's
/// schedule); each point is forecast from the latest fit (the horizon grows until the next refit) and scored. The
/// online run also feeds its scaled one-step errors to the drift detector, and on a signal refits at once on the data
/// since the detector's estimate of the change (<see cref="IDriftDetector.ChangeLength"/>; the last
/// <see cref="OnlineReplaySettings.MinRefitLength"/> points at least), so
/// the old regime no longer weighs on the model. The same detector watches the scheduled-only run's errors for the
/// detection figures, so both runs share one detection point.
/// </summary>
public static class OnlineReplay
{
    public static OnlineReplayResult Run(IReadOnlyList<double> values, IReadOnlyList<int> seasons, Func<IForecaster> forecaster, OnlineReplaySettings settings, int? changePoint = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(seasons);
        ArgumentNullException.ThrowIfNull(forecaster);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.TrainLength < 2 || settings.TrainLength >= values.Count || settings.RefitEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"TrainLength must be between 2 and the series length - 1 ({values.Count - 1}) and RefitEvery ≥ 1.");
        }

        var m = seasons.Count > 0 ? seasons[0] : 1;
        var train = values.Take(settings.TrainLength).ToArray();
        var scale = train.Length > m ? ForecastMetrics.MaseScale(train, m) : 1;
        scale = scale > 0 ? scale : 1;
        var detections = new List<int>();
        var watcher = DriftDetectors.Create(settings.Detector, settings.Drift);
        var staticErrors = Walk(values, seasons, forecaster, settings, scale, watcher, detections, online: false);
        var onlineErrors = Walk(values, seasons, forecaster, settings, scale, DriftDetectors.Create(settings.Detector, settings.Drift), null, online: true);
        return new OnlineReplayResult(changePoint, detections, staticErrors, onlineErrors, settings.TrainLength);
    }

    private static double[] Walk(
        IReadOnlyList<double> values, IReadOnlyList<int> seasons, Func<IForecaster> forecaster, OnlineReplaySettings settings, double scale,
        IDriftDetector detector, List<int>? detections, bool online)
    {
        var errors = new double[values.Count];
        Array.Fill(errors, double.NaN);
        var fitFrom = 0;
        var fittedAt = settings.TrainLength;
        var forecast = Forecast(values, seasons, forecaster, fitFrom, fittedAt, settings.RefitEvery);
        for (var t = settings.TrainLength; t < values.Count; t++)
        {
            if (t - fittedAt >= forecast.Length)
            {
                fittedAt = t;
                forecast = Forecast(values, seasons, forecaster, fitFrom, fittedAt, settings.RefitEvery);
            }

            errors[t] = Math.Abs(values[t] - forecast[t - fittedAt]);
            if (!detector.Add(errors[t] / scale))
            {
                continue;
            }

            detections?.Add(t);
            if (online)
            {
                // Refit on the new regime: from the signal's estimated start, but with at least MinRefitLength points.
                var start = (int)Math.Max(0, t + 1 - detector.ChangeLength);
                fitFrom = Math.Max(0, Math.Min(start, t + 1 - Math.Max(2, settings.MinRefitLength)));
                fittedAt = t + 1;
                forecast = fittedAt < values.Count ? Forecast(values, seasons, forecaster, fitFrom, fittedAt, settings.RefitEvery) : forecast;
            }
        }

        return errors;
    }

    /// <summary>The mean forecast of a fit on values[from..to) for the <paramref name="steps"/> points after it.</summary>
    private static double[] Forecast(IReadOnlyList<double> values, IReadOnlyList<int> seasons, Func<IForecaster> forecaster, int from, int to, int steps)
    {
        var history = values.Skip(from).Take(to - from).ToArray();
        var usable = seasons.Where(s => history.Length >= 2 * s).ToArray();
        return forecaster().Fit(new SeriesHistory(history, usable)).Predict(steps, []).Mean;
    }
}
