namespace Foresight.Neural.Lstm;

/// <summary>Hyper-parameters of <see cref="LstmForecaster"/>. The defaults train in seconds on one CPU thread.</summary>
public sealed record LstmOptions
{
    /// <summary>Input window length in steps; 0 picks max(2 × longest season, 24), capped by the history.</summary>
    public int InputWindow { get; init; }

    /// <summary>Steps the direct head predicts at once; longer horizons feed predictions back.</summary>
    public int Horizon { get; init; } = 48;

    /// <summary>LSTM hidden units.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>Optimiser steps (mini-batches).</summary>
    public int TrainingSteps { get; init; } = 300;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.005;

    /// <summary>
    /// FedProx's μ (Li et al. 2020): a run that starts from given parameters adds μ/2 · ‖w − w_start‖² to its loss, so a
    /// participant's model stays near the global one it started the round from. 0 (the default) adds nothing.
    /// </summary>
    public double ProximalMu { get; init; }

    /// <summary>Seed for weight initialisation and batch sampling.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Torch intra-op threads (process-wide). Use 1 in tests and on shared machines.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Forecast origins per series held out for split-conformal calibration.</summary>
    public int CalibrationOrigins { get; init; } = 48;
}
