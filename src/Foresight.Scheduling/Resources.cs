namespace Foresight.Scheduling;

/// <summary>An amount of compute: CPU in cores (fractions allowed) and memory in MiB.</summary>
public readonly record struct Resources(double Cpu, long MemoryMb)
{
    public static Resources Zero => default;

    /// <summary>True when <paramref name="request"/> fits inside this amount.</summary>
    public bool Fits(Resources request) => request.Cpu <= Cpu + 1e-9 && request.MemoryMb <= MemoryMb;

    public static Resources operator +(Resources a, Resources b) => new(a.Cpu + b.Cpu, a.MemoryMb + b.MemoryMb);

    public static Resources operator -(Resources a, Resources b) => new(a.Cpu - b.Cpu, a.MemoryMb - b.MemoryMb);
}
