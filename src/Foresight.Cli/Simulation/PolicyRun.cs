using Foresight.Simulation.Metrics;

namespace Foresight.Cli.Simulation;

/// <summary>One policy's result with the wall-clock time its replay took.</summary>
internal sealed record PolicyRun(string Spec, SimulationResult Result, TimeSpan Replay, string? Note);
