using Foresight.Forecasting;
using Foresight.Forecasting.Federated;
using Foresight.Neural.Lstm;

namespace Foresight.Neural.Federated;

/// <summary>
/// Federated training of the LSTM by FedAvg: every round, each participant trains from the current global parameters
/// on its own series only (<see cref="LstmOptions.TrainingSteps"/> mini-batches), and the global parameters become
/// the participants' parameters averaged weighted by their sample counts (<see cref="FedAvg"/>). Only parameters
/// cross between participants. Round 0 starts every participant from the same seeded initialisation. With
/// <c>keepOptimizerState</c> each participant keeps its Adam optimiser (and its batch sampling) from round to round
/// and only loads the global parameters; without it every round starts a fresh optimiser.
/// </summary>
public static class FederatedLstm
{
    /// <summary>
    /// Runs <paramref name="rounds"/> rounds over <paramref name="participants"/> (each a list of its own series) and
    /// returns the final global parameters. <paramref name="roundDone"/> is told after each round (0-based).
    /// </summary>
    public static ModelParameters Train(
        LstmOptions options,
        IReadOnlyList<IReadOnlyList<SeriesHistory>> participants,
        int rounds,
        Action<int, IReadOnlyList<LstmTraining>>? roundDone = null,
        bool keepOptimizerState = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        if (participants.Count == 0 || participants.Any(p => p is null || p.Count == 0))
        {
            throw new ArgumentException("Every participant needs at least one series.", nameof(participants));
        }

        if (keepOptimizerState)
        {
            var trainers = participants.Select(series => new LstmForecaster(options).StartTraining(series)).ToList();
            try
            {
                ModelParameters? shared = null;
                for (var round = 0; round < rounds; round++)
                {
                    var trained = trainers.Select(t => t.Run(shared, options.TrainingSteps)).ToList();
                    shared = FedAvg.Average([.. trained.Select(t => (t.Parameters, t.Samples))]);
                    roundDone?.Invoke(round, trained);
                }

                return shared!;
            }
            finally
            {
                trainers.ForEach(t => t.Dispose());
            }
        }

        ModelParameters? global = null;
        for (var round = 0; round < rounds; round++)
        {
            // The same seed for every participant in a round: the same initialisation in round 0, and fresh batch
            // sampling (over each participant's own series) in every round.
            var forecaster = new LstmForecaster(options with { Seed = options.Seed + round });
            var trained = participants.Select(series => forecaster.Train(series, global)).ToList();
            global = FedAvg.Average([.. trained.Select(t => (t.Parameters, t.Samples))]);
            roundDone?.Invoke(round, trained);
        }

        return global!;
    }
}
