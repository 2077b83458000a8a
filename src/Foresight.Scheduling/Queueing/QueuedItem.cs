namespace Foresight.Scheduling.Queueing;

/// <summary>One entry of a <see cref="ReadyQueue{T}"/> as callers see it: enough to report queue waits.</summary>
public readonly record struct QueuedItem<T>(string Id, T Item, int Priority, DateTimeOffset EnqueuedAt);
