namespace Foresight.Simulation.Engine;

/// <summary>Kinds of <see cref="SimEvent"/>, in the order they run at the same instant.</summary>
internal enum SimEventKind
{
    Completion = 0,
    WorkerReady = 1,
}
