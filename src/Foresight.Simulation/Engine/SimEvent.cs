namespace Foresight.Simulation.Engine;

/// <summary>A timed event. At equal times completions run before workers become ready, then by insertion order.</summary>
internal readonly record struct SimEvent(SimEventKind Kind, int Job, SimWorker Worker);
