namespace Foresight.Simulation.Engine;

/// <summary>
/// A timed event. At equal times completions run before workers become ready, then retries fall due, then by insertion
/// order. <see cref="Worker"/> is null only for <see cref="SimEventKind.RetryDue"/>.
/// </summary>
internal readonly record struct SimEvent(SimEventKind Kind, int Job, SimWorker? Worker);
