namespace Foresight.Forecasting.Durations;

/// <summary>
/// The last N values in arrival order and, alongside, sorted: an O(N) insert (array shift) and O(1) quantiles. The
/// conformal calibration of every estimator keeps its past errors here.
/// </summary>
public sealed class ResidualWindow
{
    private readonly double[] _fifo;
    private readonly double[] _sorted;
    private int _next;

    public ResidualWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _fifo = new double[capacity];
        _sorted = new double[capacity];
    }

    public int Count { get; private set; }

    /// <summary>Adds a finite value, evicting the oldest when full. Non-finite values are ignored.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        if (Count == _fifo.Length)
        {
            var old = _fifo[_next];
            var at = Array.BinarySearch(_sorted, 0, Count, old);
            Array.Copy(_sorted, at + 1, _sorted, at, Count - at - 1);
            Count--;
        }

        _fifo[_next] = value;
        _next = (_next + 1) % _fifo.Length;
        var pos = Array.BinarySearch(_sorted, 0, Count, value);
        if (pos < 0)
        {
            pos = ~pos;
        }

        Array.Copy(_sorted, pos, _sorted, pos + 1, Count - pos);
        _sorted[pos] = value;
        Count++;
    }

    /// <summary>Type-7 quantile of the values held; NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var position = Math.Clamp(q, 0, 1) * (Count - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, Count - 1);
        return _sorted[lo] + ((position - lo) * (_sorted[hi] - _sorted[lo]));
    }

    /// <summary>Share of the values v with |v| ≤ <paramref name="bound"/>; NaN when empty.</summary>
    public double ShareWithin(double bound)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var from = LowerBound(-bound);
        var to = LowerBound(Math.BitIncrement(bound));
        return (to - from) / (double)Count;
    }

    private int LowerBound(double value)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
