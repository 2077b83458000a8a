using Foresight.Forecasting.Backtesting;

namespace Foresight.Forecasting.Federated;

/// <summary>
/// The promotion gate's rule for a federated model, pure: a candidate (a merged or federated model) is adopted only
/// if its mean backtest MASE is lower than the model in service's on the same windows; a non-finite MASE never wins.
/// <see cref="FederatedMerge"/> applies it to one pool's history, <see cref="Decide"/> to a set of series (the mean
/// over series of each series' mean window MASE, M4's averaging).
/// </summary>
public static class FederatedGate
{
    /// <summary>Whether a candidate with backtest MASE <paramref name="candidateMase"/> replaces a model with <paramref name="localMase"/>: strictly lower only.</summary>
    public static bool Adopts(double candidateMase, double localMase) => Finite(candidateMase) < Finite(localMase);

    /// <summary>
    /// Decides on a candidate from the backtests of it and of the local model on the same series, in the same order
    /// (<paramref name="candidate"/>[i] and <paramref name="local"/>[i] on series i).
    /// </summary>
    public static FederatedGateDecision Decide(IReadOnlyList<BacktestResult> candidate, IReadOnlyList<BacktestResult> local)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(local);
        if (candidate.Count == 0)
        {
            throw new ArgumentException("At least one series' backtest is required.", nameof(candidate));
        }

        if (local.Count != candidate.Count)
        {
            throw new ArgumentException($"{local.Count} local backtests for {candidate.Count} candidate ones; both need one per series.", nameof(local));
        }

        var candidateMase = Finite(candidate.Average(b => Finite(b.MeanMase)));
        var localMase = Finite(local.Average(b => Finite(b.MeanMase)));
        return new FederatedGateDecision(Adopts(candidateMase, localMase), candidateMase, localMase);
    }

    /// <summary>A MASE for comparison: non-finite ones (no window, a zero scale) count as the worst.</summary>
    internal static double Finite(double value) => double.IsFinite(value) ? value : double.MaxValue;
}

/// <summary>What <see cref="FederatedGate.Decide"/> decided, and the two mean backtest MASEs behind it.</summary>
public sealed record FederatedGateDecision(bool Adopted, double CandidateMase, double LocalMase);
