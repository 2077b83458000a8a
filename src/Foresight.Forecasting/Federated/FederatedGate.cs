using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Metrics;

namespace Foresight.Forecasting.Federated;

/// <summary>
/// The promotion gate's rule for a federated model, pure: a candidate (a merged or federated model) is adopted only
/// if its mean backtest MASE is lower than the model in service's on the same windows; a non-finite figure never wins.
/// <see cref="FederatedMerge"/> applies it to one pool's history, <see cref="Decide"/> to a set of series (the mean
/// over series of each series' mean window figure, M4's averaging), optionally by OWA against a reference model's
/// backtests on the same windows instead of by MASE.
/// </summary>
public static class FederatedGate
{
    /// <summary>Whether a candidate with backtest figure <paramref name="candidate"/> replaces a model with <paramref name="local"/> (MASE or OWA, lower is better): strictly lower only.</summary>
    public static bool Adopts(double candidate, double local) => Finite(candidate) < Finite(local);

    /// <summary>
    /// Decides on a candidate from the backtests of it and of the local model on the same series, in the same order
    /// (<paramref name="candidate"/>[i] and <paramref name="local"/>[i] on series i): by mean MASE, or, given the
    /// backtests of a <paramref name="reference"/> model (M4's Naive2) on the same windows, by OWA — the mean sMAPE and
    /// the mean MASE each relative to the reference's, averaged.
    /// </summary>
    public static FederatedGateDecision Decide(IReadOnlyList<BacktestResult> candidate, IReadOnlyList<BacktestResult> local, IReadOnlyList<BacktestResult>? reference = null)
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

        if (reference is not null && reference.Count != candidate.Count)
        {
            throw new ArgumentException($"{reference.Count} reference backtests for {candidate.Count} candidate ones; all need one per series.", nameof(reference));
        }

        var theirs = Figures(candidate);
        var ours = Figures(local);
        if (reference is null)
        {
            return new FederatedGateDecision(Adopts(theirs.Mase, ours.Mase), theirs.Mase, ours.Mase, theirs.SMape, ours.SMape, null, null);
        }

        var naive = Figures(reference);
        var candidateOwa = Finite(ForecastMetrics.Owa(theirs.SMape, theirs.Mase, naive.SMape, naive.Mase));
        var localOwa = Finite(ForecastMetrics.Owa(ours.SMape, ours.Mase, naive.SMape, naive.Mase));
        return new FederatedGateDecision(Adopts(candidateOwa, localOwa), theirs.Mase, ours.Mase, theirs.SMape, ours.SMape, candidateOwa, localOwa);
    }

    /// <summary>A figure for comparison: non-finite ones (no window, a zero scale) count as the worst.</summary>
    internal static double Finite(double value) => double.IsFinite(value) ? value : double.MaxValue;

    private static (double Mase, double SMape) Figures(IReadOnlyList<BacktestResult> backtests) =>
        (Finite(backtests.Average(b => Finite(b.MeanMase))), Finite(backtests.Average(b => Finite(b.MeanSMape))));
}

/// <summary>
/// What <see cref="FederatedGate.Decide"/> decided, and the mean backtest figures behind it: MASE and sMAPE of both
/// models, and their OWA when it decided against a reference (else null).
/// </summary>
public sealed record FederatedGateDecision(bool Adopted, double CandidateMase, double LocalMase, double CandidateSMape, double LocalSMape, double? CandidateOwa, double? LocalOwa);
