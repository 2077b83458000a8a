namespace Foresight.Forecasting.Durations;

/// <summary>
/// Turns predicted start times into intervals: split-conformal on the last <see cref="Window"/> errors (actual start −
/// predicted start, seconds) of jobs that already started. The interval is [predicted + q(α/2), predicted + q(1 − α/2)]
/// of those errors, never before the prediction was made. Until <see cref="MinErrors"/> errors are known there is none.
/// </summary>
public sealed class StartTimeCalibration
{
    private readonly ResidualWindow _errors;

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
    }

    public double Level { get; }

    public int Window { get; }

    public int MinErrors { get; }

    /// <summary>Errors known.</summary>
    public int Count => _errors.Count;

    /// <summary>A job started: records actual − predicted.</summary>
    public void Observe(DateTimeOffset predicted, DateTimeOffset actual) => _errors.Add((actual - predicted).TotalSeconds);

    /// <summary>The interval for a start predicted at <paramref name="predicted"/> (made at <paramref name="now"/>), or null while uncalibrated.</summary>
    public (DateTimeOffset From, DateTimeOffset To)? Interval(DateTimeOffset now, DateTimeOffset predicted)
    {
        if (_errors.Count < MinErrors)
        {
            return null;
        }

        var tail = (1 - Level) / 2;
        var from = Shift(predicted, _errors.Quantile(tail));
        var to = Shift(predicted, _errors.Quantile(1 - tail));
        return (from < now ? now : from, to < now ? now : to);
    }

    private static DateTimeOffset Shift(DateTimeOffset at, double seconds)
    {
        var ticks = Math.Clamp(at.UtcTicks + (seconds * TimeSpan.TicksPerSecond), DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);
        return new DateTimeOffset((long)ticks, TimeSpan.Zero);
    }
}
