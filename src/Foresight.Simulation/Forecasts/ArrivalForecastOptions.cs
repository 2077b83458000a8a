namespace Foresight.Simulation.Forecasts;

/// <summary>How <see cref="ArrivalForecastProvider"/> buckets arrivals and refits its model.</summary>
public sealed record ArrivalForecastOptions
{
    /// <summary>Arrivals are counted per bucket of this length (5 minutes unless set).</summary>
    public TimeSpan Bucket { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The model is refitted at every multiple of this after the first bucket, on the buckets complete by then.</summary>
    public TimeSpan RefitEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Complete buckets needed before anything is forecast (fewer: no forecast, the policies fall back).</summary>
    public int MinHistoryBuckets { get; init; } = 12;

    /// <summary>Most recent buckets a fit sees (bounds the fitting cost on long traces; default two weeks of 5 minutes).</summary>
    public int MaxHistoryBuckets { get; init; } = 4032;

    /// <summary>Nominal coverage of the arrival interval, in percent.</summary>
    public double Level { get; init; } = 60;

    /// <summary>Longest horizon asked for; predictions up to refit period + this are computed once per fit.</summary>
    public TimeSpan MaxHorizon { get; init; } = TimeSpan.FromHours(2);

    /// <summary>A forecast above this many times the largest bucket seen is treated as divergent (no forecast).</summary>
    public double DivergenceFactor { get; init; } = 10;

    /// <summary>
    /// Online learning (<c>--online</c>): when the drift detector signals on the live errors, the model is refitted at
    /// once on the arrivals since the detected change; null refits on the schedule only (the detector still watches, for
    /// the figures).
    /// </summary>
    public OnlineForecastOptions? Online { get; init; }

    /// <summary>The pool's holiday calendar (<see cref="Foresight.Forecasting.Calendar.HolidayCalendar"/>): forecasts fitted on its history get the holidays' effects.</summary>
    public IReadOnlyList<DateOnly> Holidays { get; init; } = [];

    /// <summary>Checks the settings; throws naming the bad one.</summary>
    public void Validate()
    {
        Online?.Validate();
        if (Bucket <= TimeSpan.Zero || RefitEvery <= TimeSpan.Zero || MaxHorizon <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Bucket), "Bucket, refit period and horizon must be positive (--bucket-minutes, --refit-minutes).");
        }

        if (MinHistoryBuckets < 2 || MaxHistoryBuckets < MinHistoryBuckets)
        {
            throw new ArgumentOutOfRangeException(nameof(MinHistoryBuckets), "Need at least 2 history buckets and a maximum no smaller than the minimum.");
        }

        if (!(Level > 0 && Level < 100) || !(DivergenceFactor > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Level), "The interval level is a percentage strictly between 0 and 100; the divergence factor is above 1.");
        }
    }
}

/// <summary>How the simulator's forecaster learns online: the drift detector on its live errors and the least history a refit after drift sees.</summary>
public sealed record OnlineForecastOptions
{
    /// <summary>The drift detector (<c>page-hinkley</c> or <c>adwin</c>, <see cref="Foresight.Forecasting.Online.DriftDetectors"/>).</summary>
    public string Detector { get; init; } = Foresight.Forecasting.Online.DriftDetectors.PageHinkley;

    /// <summary>The detectors' parameters.</summary>
    public Foresight.Forecasting.Online.DriftSettings Drift { get; init; } = new();

    /// <summary>Buckets a refit after drift sees at least (the detector's estimate of the change can be shorter).</summary>
    public int MinRefitBuckets { get; init; } = 12;

    public void Validate()
    {
        _ = Foresight.Forecasting.Online.DriftDetectors.Create(Detector, Drift);
        if (MinRefitBuckets < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinRefitBuckets), "A refit after drift needs at least 2 buckets.");
        }
    }
}
