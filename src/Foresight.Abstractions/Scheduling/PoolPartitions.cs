namespace Foresight.Abstractions.Scheduling;

/// <summary>
/// Maps pools, jobs and workers to scheduler partitions. Uses a stable hash (FNV-1a): string.GetHashCode differs
/// between processes, and every silo must agree.
/// </summary>
public static class PoolPartitions
{
    public const string DefaultPool = "default";

    public static string ForJob(string pool, string jobId, int shards) => Key(pool, jobId, shards);

    public static string ForWorker(string pool, string workerId, int shards) => Key(pool, workerId, shards);

    public static string PoolOf(string partition)
    {
        var slash = partition.LastIndexOf('/');
        return slash < 0 ? partition : partition[..slash];
    }

    private static string Key(string pool, string id, int shards)
    {
        if (shards <= 1)
        {
            return pool;
        }

        return $"{pool}/{StableHash(id) % (uint)shards}";
    }

    public static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
