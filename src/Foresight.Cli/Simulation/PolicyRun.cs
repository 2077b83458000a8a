using Foresight.Simulation.Metrics;

namespace Foresight.Cli.Simulation;

/// <summary>One policy's result with the wall-clock time its replay took, and figures only some policies have.</summary>
internal sealed record PolicyRun(string Spec, SimulationResult Result, TimeSpan Replay, string? Note)
{
    /// <summary>Extra key=value figures for the machine line (forecast accuracy, pre-warm success).</summary>
    public IReadOnlyList<(string Key, double Value)> Extra { get; init; } = [];
}
