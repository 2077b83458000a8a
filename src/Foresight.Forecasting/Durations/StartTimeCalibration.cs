namespace Foresight.Forecasting.Durations;

/// <summary>
/// Turns predicted start times into intervals: split-conformal on the last <see cref="Window"/> errors (actual start −
/// predicted start, seconds) of jobs that already started, kept apart by predicted wait (Mondrian conformal: a job
/// predicted to start at once and one predicted to wait half an hour err very differently). The interval is
/// [predicted + q(α/2), predicted + q(1 − α/2)] of the errors of its wait class, never before the prediction was made.
/// A class with fewer than <see cref="MinErrors"/> errors borrows the errors of all classes; with fewer than that in
/// all there is no interval.
/// </summary>
public sealed class StartTimeCalibration
{
    /// <summary>Upper bounds (seconds) of the predicted-wait classes; the last class is everything longer.</summary>
    public static readonly double[] WaitClasses = [1, 60, 300, 1200];

    private readonly ResidualWindow _errors;
    private readonly ResidualWindow[] _byClass;

    /// <param name="level">Interval level, e.g. 0.9.</param>
    /// <param name="window">Past errors kept.</param>
    /// <param name="minErrors">Errors needed before intervals are given.</param>
    public StartTimeCalibration(double level = 0.9, int window = 2000, int minErrors = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minErrors, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, minErrors);
        Level = level;
        Window = window;
        MinErrors = minErrors;
        _errors = new ResidualWindow(window);
        _byClass = [.. Enumerable.Range(0, WaitClasses.Length + 1).Select(_ => new ResidualWindow(window))];
    }

    public double Level { get; }

    public int Window { get; }

    public int MinErrors { get; }

    /// <summary>Errors known.</summary>
    public int Count => _errors.Count;

    /// <summary>A job started: records actual − predicted, in the class of the wait predicted at <paramref name="madeAt"/>.</summary>
    public void Observe(DateTimeOffset madeAt, DateTimeOffset predicted, DateTimeOffset actual)
    {
        var error = (actual - predicted).TotalSeconds;
        _errors.Add(error);
        _byClass[Class(madeAt, predicted)].Add(error);
    }

    /// <summary>The interval for a start predicted at <paramref name="predicted"/> (made at <paramref name="now"/>), or null while uncalibrated.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? Interval(DateTimeOffset now, DateTimeOffset predicted)
    {
        var errors = _byClass[Class(now, predicted)] is { } own && own.Count >= MinErrors ? own : _errors;
        if (errors.Count < MinErrors)
        {
            return null;
        }

        var tail = (1 - Level) / 2;
        var from = Shift(predicted, errors.Quantile(tail));
        var to = Shift(predicted, errors.Quantile(1 - tail));
        return (from < now ? now : from, to < now ? now : to);
    }

    private static int Class(DateTimeOffset madeAt, DateTimeOffset predicted)
    {
        var wait = (predicted - madeAt).TotalSeconds;
        var c = 0;
        while (c < WaitClasses.Length && wait >= WaitClasses[c])
        {
            c++;
        }

        return c;
    }

    private static DateTimeOffset Shift(DateTimeOffset at, double seconds)
    {
        var ticks = Math.Clamp(at.UtcTicks + (seconds * TimeSpan.TicksPerSecond), DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);
        return new DateTimeOffset((long)ticks, TimeSpan.Zero);
    }
}
