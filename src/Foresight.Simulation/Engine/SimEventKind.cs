namespace Foresight.Simulation.Engine;

/// <summary>Kinds of <see cref="SimEvent"/>, in the order they run at the same instant.</summary>
internal enum SimEventKind
{
    Completion = 0,
    WorkerReady = 1,

    /// <summary>A held retry's back-off ends (the dispatch that follows promotes it).</summary>
    RetryDue = 2,
}
