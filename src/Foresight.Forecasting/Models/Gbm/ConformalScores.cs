namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Split-conformal calibration per horizon step: sorted non-conformity scores (absolute errors in units of the
/// window scale) from held-out forecast origins; the level-α half-width is the ⌈(n+1)α⌉-th smallest score.
/// </summary>
public sealed class ConformalScores
{
    private readonly double[][] _sorted;

    /// <summary>Takes per-step scores (any order); every step needs at least one score.</summary>
    public ConformalScores(IReadOnlyList<IReadOnlyList<double>> scoresPerStep)
    {
        ArgumentNullException.ThrowIfNull(scoresPerStep);
        _sorted = new double[scoresPerStep.Count][];
        for (var k = 0; k < _sorted.Length; k++)
        {
            if (scoresPerStep[k].Count == 0)
            {
                throw new ArgumentException($"Horizon step {k + 1} has no calibration scores.", nameof(scoresPerStep));
            }

            _sorted[k] = [.. scoresPerStep[k]];
            Array.Sort(_sorted[k]);
        }
    }

    /// <summary>Horizon steps calibrated.</summary>
    public int Steps => _sorted.Length;

    /// <summary>Calibration scores per step.</summary>
    public int Count(int step) => _sorted[step].Length;

    /// <summary>Half-width in score units for 0-based <paramref name="step"/> at <paramref name="levelPercent"/>; steps beyond the calibrated ones grow with √step.</summary>
    public double HalfWidth(int step, double levelPercent)
    {
        var k = Math.Min(step, _sorted.Length - 1);
        var s = _sorted[k];
        var rank = (int)Math.Ceiling((s.Length + 1) * levelPercent / 100.0);
        var q = s[Math.Clamp(rank - 1, 0, s.Length - 1)];
        return step < _sorted.Length ? q : q * Math.Sqrt((step + 1.0) / _sorted.Length);
    }
}
