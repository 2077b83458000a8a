using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling;

/// <summary>
/// What the pool could run at best (each worker's capacity and labels, ignoring load and health),
/// as of the last check. Jobs parked as unplaceable only need another look when this changes; views are mutable
/// and callers may change a worker's capacity in place, so changes are detected by comparison, not by events.
/// </summary>
internal sealed class WorkerSetSnapshot
{
    private readonly List<(Resources Capacity, IReadOnlySet<string> Labels)> _items = [];

    /// <summary>Compares with <paramref name="workers"/> and takes a new snapshot when they differ; true when they did.</summary>
    public bool Refresh(List<WorkerView> workers)
    {
        bool same = _items.Count == workers.Count;
        for (int i = 0; same && i < workers.Count; i++)
        {
            var (capacity, labels) = _items[i];
            var worker = workers[i];

            // By value: a view replaced by an identical one (same capacity and labels) changes nothing.
            same = capacity == worker.Capacity && (ReferenceEquals(labels, worker.Labels) || labels.SetEquals(worker.Labels));
        }

        if (same)
        {
            return false;
        }

        _items.Clear();
        foreach (var worker in workers)
        {
            _items.Add((worker.Capacity, worker.Labels));
        }

        return true;
    }
}
