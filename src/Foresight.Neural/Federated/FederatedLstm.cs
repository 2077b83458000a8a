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
/// and only loads the global parameters; without it every round starts a fresh optimiser. With
/// <see cref="LstmOptions.ProximalMu"/> the rounds are FedProx's (a proximal term keeps each participant near the
/// global parameters it started the round from); fine-tuning never has the term.
/// <para>
/// Personalised FedAvg ("FedAvg + fine-tune", <see cref="TrainPersonalised"/>): after the last round each participant
/// trains the final global parameters on its own series only for a number of further mini-batches, which is what a
/// cluster does after adopting a merged model; on clusters holding different kinds of series this undoes the client
/// drift that averaging leaves in the global model while keeping what the other clusters' data taught it.
/// </para>
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
        bool keepOptimizerState = false) =>
        TrainPersonalised(options, participants, rounds, 0, roundDone, keepOptimizerState).Global;

    /// <summary>
    /// Runs <paramref name="rounds"/> FedAvg rounds as <see cref="Train"/> does, then fine-tunes the final global
    /// parameters on each participant's own series for <paramref name="fineTuneSteps"/> mini-batches (with the
    /// participant's kept optimiser under <paramref name="keepOptimizerState"/>, else a fresh one). Returns the global
    /// parameters and each participant's fine-tuned parameters (the global ones when <paramref name="fineTuneSteps"/> is 0).
    /// </summary>
    public static FederatedLstmResult TrainPersonalised(
        LstmOptions options,
        IReadOnlyList<IReadOnlyList<SeriesHistory>> participants,
        int rounds,
        int fineTuneSteps,
        Action<int, IReadOnlyList<LstmTraining>>? roundDone = null,
        bool keepOptimizerState = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(fineTuneSteps);
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

                // Each trainer holds its own participant's series only: fine-tuning never sees another's windows.
                var personal = fineTuneSteps == 0
                    ? [.. participants.Select(_ => shared!)]
                    : trainers.Select(t => t.Run(shared, fineTuneSteps, proximal: false).Parameters).ToList();
                return new FederatedLstmResult(shared!, personal);
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

        var tuner = new LstmForecaster(options with { Seed = options.Seed + rounds, TrainingSteps = fineTuneSteps, ProximalMu = 0 });
        IReadOnlyList<ModelParameters> tuned = fineTuneSteps == 0
            ? [.. participants.Select(_ => global!)]
            : [.. participants.Select(series => tuner.Train(series, global).Parameters)];
        return new FederatedLstmResult(global!, tuned);
    }
}

/// <summary>What personalised FedAvg trained: the final global parameters and each participant's fine-tuned ones, in the participants' order.</summary>
public sealed record FederatedLstmResult(ModelParameters Global, IReadOnlyList<ModelParameters> Personal);
