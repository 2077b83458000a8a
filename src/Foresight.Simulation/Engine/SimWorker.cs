using Foresight.Scheduling.Placement;

namespace Foresight.Simulation.Engine;

/// <summary>A simulated worker: its scheduler view plus lifecycle bookkeeping.</summary>
internal sealed class SimWorker(WorkerView view, bool ephemeral, long createdTicks)
{
    public WorkerView View { get; } = view;

    public string Id => View.WorkerId;

    public bool Ephemeral { get; } = ephemeral;

    public long CreatedTicks { get; } = createdTicks;

    public bool Booting { get; set; } = true;

    public bool Draining { get; set; }

    public bool Removed { get; set; }

    public long StateSinceTicks { get; set; } = createdTicks;

    /// <summary>Booted, accepting and with free capacity, as last counted by the run.</summary>
    public bool HasRoom { get; set; }
}
