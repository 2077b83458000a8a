namespace Foresight.Scheduling.Queueing;

/// <summary>Defaults shared by every <see cref="ReadyQueue{T}"/> (a non-generic home so callers need no type argument).</summary>
public static class ReadyQueue
{
    /// <summary>Waiting time worth one priority level: a job waiting 5 minutes gains 10 levels.</summary>
    public static readonly TimeSpan DefaultAgingInterval = TimeSpan.FromSeconds(30);
}
