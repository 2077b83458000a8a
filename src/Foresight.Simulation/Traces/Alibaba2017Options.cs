namespace Foresight.Simulation.Traces;

/// <summary>How Alibaba 2017 batch_task rows become jobs.</summary>
public sealed record Alibaba2017Options
{
    /// <summary>Memory of the machine the normalized memory request is relative to, in MiB (an assumption: the trace does not say).</summary>
    public long MachineMemoryMb { get; init; } = 65536;

    /// <summary>Time that trace second 0 maps to.</summary>
    public DateTimeOffset Origin { get; init; } = DateTimeOffset.UnixEpoch;
}
