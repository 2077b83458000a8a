namespace Foresight.Scheduling;

/// <summary>
/// A lower bound on the smallest CPU and the smallest memory any ready job asks for, kept as two bucket histograms
/// so adding and removing a job is O(1). A worker whose free capacity is below the bound cannot take any queued
/// job, which lets a dispatch call stop once every worker is down to such fragments instead of scanning on.
/// </summary>
internal sealed class DemandFloor
{
    private const int CpuBucketsPerCore = 8;
    private const int CpuBuckets = 256;
    private const int MemoryBuckets = 64;

    private readonly int[] _cpu = new int[CpuBuckets];
    private readonly int[] _memory = new int[MemoryBuckets];

    public void Add(Resources request)
    {
        _cpu[CpuBucket(request.Cpu)]++;
        _memory[MemoryBucket(request.MemoryMb)]++;
    }

    public void Remove(Resources request)
    {
        _cpu[CpuBucket(request.Cpu)]--;
        _memory[MemoryBucket(request.MemoryMb)]--;
    }

    /// <summary>No ready job asks for less than this (bucket lower bounds; zero when the queue is empty).</summary>
    public Resources Floor()
    {
        int cpu = Array.FindIndex(_cpu, n => n > 0);
        int memory = Array.FindIndex(_memory, n => n > 0);
        return new Resources(
            cpu <= 0 ? 0 : (double)cpu / CpuBucketsPerCore,
            memory <= 0 ? 0 : (1L << memory) - 1);
    }

    // Bucket i holds requests in [i/8, (i+1)/8) cores; the last one everything above.
    private static int CpuBucket(double cpu) => (int)Math.Clamp(Math.Floor(cpu * CpuBucketsPerCore), 0, CpuBuckets - 1);

    // Bucket i holds requests in [2^i − 1, 2^(i+1) − 1) MiB.
    private static int MemoryBucket(long memoryMb) => Math.Clamp(63 - (int)ulong.LeadingZeroCount((ulong)memoryMb + 1), 0, MemoryBuckets - 1);
}
