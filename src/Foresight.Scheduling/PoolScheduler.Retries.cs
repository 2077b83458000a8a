using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling;

/// <summary>
/// Retries waiting out their back-off: held apart from the ready queue, ordered by due time, and moved into it by
/// <see cref="PromoteDue"/> (which <see cref="Dispatch"/> calls first), so a retry is placeable the moment its back-off
/// ends rather than at the owner's next periodic pass; <see cref="NextDueAt"/> tells the owner when to dispatch next.
/// </summary>
public sealed partial class PoolScheduler
{
    private readonly PriorityQueue<HeldRetry, (long DueTicks, long Sequence)> _held = new();
    private readonly Dictionary<string, HeldRetry> _heldById = new(StringComparer.Ordinal);
    private long _heldSequence;

    /// <summary>Retries held until their due time.</summary>
    public int HeldCount => _heldById.Count;

    /// <summary>When the earliest held retry is due; null when none is held.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            DropCancelledHeads();
            return _held.TryPeek(out var next, out _) ? next.Due : null;
        }
    }

    /// <summary>The held retries, earliest due first.</summary>
    public IEnumerable<(JobDemand Job, DateTimeOffset Due)> Held =>
        _heldById.Values.OrderBy(h => h.Due).ThenBy(h => h.Sequence).Select(h => (h.Job, h.Due));

    /// <summary>
    /// Holds a job until <paramref name="due"/>, then queues it as if enqueued at <paramref name="enqueuedAt"/>.
    /// Checked like <see cref="Enqueue"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A job with the same id is already queued or held.</exception>
    public void Hold(JobDemand job, DateTimeOffset enqueuedAt, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobId, nameof(job));
        if (IsQueued(job.JobId))
        {
            throw new InvalidOperationException($"Job '{job.JobId}' is already queued.");
        }

        var held = new HeldRetry(job, enqueuedAt, due, _heldSequence++);
        _heldById.Add(job.JobId, held);
        _held.Enqueue(held, (due.UtcTicks, held.Sequence));
    }

    /// <summary>Moves every held retry due at <paramref name="now"/> into the ready queue; returns them in due order.</summary>
    public IReadOnlyList<JobDemand> PromoteDue(DateTimeOffset now)
    {
        List<JobDemand>? promoted = null;
        while (_held.TryPeek(out var next, out var key) && key.DueTicks <= now.UtcTicks)
        {
            _held.Dequeue();
            if (!_heldById.TryGetValue(next.Job.JobId, out var current) || !ReferenceEquals(current, next))
            {
                continue; // removed (cancelled) while held
            }

            _heldById.Remove(next.Job.JobId);
            Enqueue(next.Job, next.EnqueuedAt);
            (promoted ??= []).Add(next.Job);
        }

        return promoted ?? (IReadOnlyList<JobDemand>)[];
    }

    private bool IsHeld(string jobId) => _heldById.ContainsKey(jobId);

    private bool RemoveHeld(string jobId) => _heldById.Remove(jobId);

    private void DropCancelledHeads()
    {
        while (_held.TryPeek(out var next, out _) && (!_heldById.TryGetValue(next.Job.JobId, out var current) || !ReferenceEquals(current, next)))
        {
            _held.Dequeue();
        }
    }

    private sealed record HeldRetry(JobDemand Job, DateTimeOffset EnqueuedAt, DateTimeOffset Due, long Sequence);
}
