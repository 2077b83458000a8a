using Foresight.Scheduling;

namespace Foresight.Simulation.Traces;

/// <summary>How a <c>timestamp,value</c> demand curve becomes job arrivals.</summary>
public sealed record DemandCurveOptions
{
    /// <summary>Jobs submitted per unit of value per interval (the stated scale): value 0.5 with scale 20 gives 10 jobs.</summary>
    public double JobsPerUnit { get; init; } = 10;

    /// <summary>Run time of every generated job.</summary>
    public TimeSpan JobDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Resources of every generated job.</summary>
    public Resources Request { get; init; } = new(1, 1024);
}
