using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace Foresight.Grains.Storage;

/// <summary>
/// Grain storage kept in this process (<see cref="InProcessStore"/>). A write stores a deep copy of the state made by
/// the Orleans copier and a read returns another, so neither the writer nor a reader shares a mutable object with the
/// stored record, as with a database; parts of a state whose types are marked immutable are shared, not copied
/// (their copier returns them as they are), so a write costs what is mutable in the state, not its whole size.
/// Optimistic concurrency through versions as ETags. Unlike Orleans' memory storage it needs no storage grain per
/// call, and it survives the loss of a silo in the same process.
/// </summary>
public sealed class InProcessGrainStorage(string name, InProcessStore store, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (store.TryRead(Key(stateName, grainId), out var data, out var version))
        {
            grainState.State = data is null ? default! : copier.Copy((T)data);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var version = store.TryWrite(Key(stateName, grainId), copier.Copy(grainState.State), expected);
        if (version < 0)
        {
            throw new InconsistentStateException(
                $"Storage '{name}': {stateName} of {grainId} was written by another activation (expected version {expected})",
                "unknown",
                grainState.ETag ?? "none");
        }

        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        store.Remove(Key(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private InProcessKey Key(string stateName, GrainId grainId) => new(name, stateName, grainId);
}
