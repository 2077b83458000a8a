using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Orleans.Storage;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// The workers a scheduler partition knows, stored in <see cref="PartCount"/> parts (by a stable hash of the worker
/// id), each under its own state name (<c>scheduler-workers-0</c> … <c>-31</c>): a registration or a departure
/// rewrites its part only, so a write stays small however many workers the partition holds (one state of 10,000
/// registrations made every registration rewrite all of them, and the serializer's reference tables grew to match).
/// </summary>
public sealed class WorkerRegistrations
{
    /// <summary>Parts per partition.</summary>
    public const int PartCount = 32;

    /// <summary>The state name of part <c>i</c> is this followed by <c>i</c>.</summary>
    public const string StatePrefix = "scheduler-workers-";

    private readonly IGrainStorage _storage;
    private readonly GrainId _grain;
    private readonly Dictionary<string, WorkerRegistration>[] _parts = new Dictionary<string, WorkerRegistration>[PartCount];
    private readonly GrainState<SchedulerWorkers>[] _stored = new GrainState<SchedulerWorkers>[PartCount];
    private readonly HashSet<int> _dirty = [];

    public WorkerRegistrations(IGrainStorage storage, GrainId grain)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _grain = grain;
        for (var i = 0; i < PartCount; i++)
        {
            _parts[i] = new Dictionary<string, WorkerRegistration>(StringComparer.Ordinal);
            _stored[i] = new GrainState<SchedulerWorkers>(new SchedulerWorkers());
        }
    }

    /// <summary>Registrations held.</summary>
    public int Count => _parts.Sum(p => p.Count);

    /// <summary>Every registration held.</summary>
    public IEnumerable<WorkerRegistration> All => _parts.SelectMany(p => p.Values);

    /// <summary>Whether any part had been written before <see cref="ReadAsync"/>.</summary>
    public bool AnyStored { get; private set; }

    /// <summary>The part a worker's registration lives in.</summary>
    public static int PartOf(string workerId) => (int)(PoolPartitions.StableHash(workerId) % PartCount);

    /// <summary>Reads every part (on activation).</summary>
    public async Task ReadAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, PartCount).Select(i => _storage.ReadStateAsync(StatePrefix + i, _grain, _stored[i])));
        AnyStored = false;
        for (var i = 0; i < PartCount; i++)
        {
            _parts[i].Clear();
            AnyStored |= _stored[i].RecordExists;
            foreach (var registration in _stored[i].State?.Registrations.Values ?? Enumerable.Empty<WorkerRegistration>())
            {
                _parts[PartOf(registration.WorkerId)][registration.WorkerId] = registration;
            }
        }
    }

    public WorkerRegistration? Find(string workerId) => _parts[PartOf(workerId)].GetValueOrDefault(workerId);

    /// <summary>Adds or replaces a registration; written with the next <see cref="WriteAsync"/>.</summary>
    public void Set(WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var part = PartOf(registration.WorkerId);
        _parts[part][registration.WorkerId] = registration;
        _dirty.Add(part);
    }

    /// <summary>Forgets a registration; written with the next <see cref="WriteAsync"/>.</summary>
    public void Remove(string workerId)
    {
        var part = PartOf(workerId);
        if (_parts[part].Remove(workerId))
        {
            _dirty.Add(part);
        }
    }

    /// <summary>
    /// Writes the parts changed since the last write. Each part is copied before its write starts, so changes made
    /// while it runs go with the next one; a part whose write failed stays to be written.
    /// </summary>
    public async Task WriteAsync()
    {
        if (_dirty.Count == 0)
        {
            return;
        }

        var parts = _dirty.ToArray();
        _dirty.Clear();
        try
        {
            await Task.WhenAll(parts.Select(i =>
            {
                _stored[i].State = new SchedulerWorkers { Registrations = new Dictionary<string, WorkerRegistration>(_parts[i], StringComparer.Ordinal) };
                return _storage.WriteStateAsync(StatePrefix + i, _grain, _stored[i]);
            }));
        }
        catch
        {
            _dirty.UnionWith(parts);
            throw;
        }
    }
}
