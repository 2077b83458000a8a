namespace Foresight.Forecasting.Quality;

/// <summary>
/// Puts irregular observations onto a regular grid: each observation falls into the bucket
/// floor((t − t₀)/frequency); a bucket's value is the mean of its finite observations, NaN when it has none.
/// Timestamps must be strictly increasing: a duplicate or a step backwards is an error naming the index
/// (sort and de-duplicate upstream if that is what the data means).
/// </summary>
public static class Resampler
{
    /// <summary>Resamples; throws <see cref="ForecastInputException"/> for empty, mismatched or non-monotonic input.</summary>
    public static RegularSeries ToRegular(IReadOnlyList<DateTimeOffset> timestamps, IReadOnlyList<double> values, TimeSpan frequency)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        if (frequency <= TimeSpan.Zero)
        {
            throw new ForecastInputException($"The frequency must be positive (got {frequency}).");
        }

        if (timestamps.Count == 0 || timestamps.Count != values.Count)
        {
            throw new ForecastInputException($"Timestamps and values must be non-empty and equally long (got {timestamps.Count} and {values.Count}).");
        }

        for (int i = 1; i < timestamps.Count; i++)
        {
            if (timestamps[i] == timestamps[i - 1])
            {
                throw new ForecastInputException($"Duplicate timestamp {timestamps[i]:O} at index {i}.");
            }

            if (timestamps[i] < timestamps[i - 1])
            {
                throw new ForecastInputException($"Timestamps are not increasing at index {i} ({timestamps[i]:O} after {timestamps[i - 1]:O}).");
            }
        }

        var start = timestamps[0];
        long buckets = ((timestamps[^1] - start).Ticks / frequency.Ticks) + 1;
        if (buckets > 50_000_000)
        {
            throw new ForecastInputException($"Resampling would create {buckets} steps; is the frequency ({frequency}) right?");
        }

        var sums = new double[buckets];
        var counts = new int[buckets];
        for (int i = 0; i < timestamps.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                continue;
            }

            long b = (timestamps[i] - start).Ticks / frequency.Ticks;
            sums[b] += values[i];
            counts[b]++;
        }

        var result = new double[buckets];
        for (long b = 0; b < buckets; b++)
        {
            result[b] = counts[b] > 0 ? sums[b] / counts[b] : double.NaN;
        }

        return new RegularSeries(start, frequency, result);
    }
}
