using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace Foresight.Grains.Storage;

/// <summary>
/// Grain storage kept in this process (<see cref="InProcessStore"/>), serialized with the Orleans serializer so a
/// read returns a copy, as a database would. Optimistic concurrency through versions as ETags. Unlike Orleans'
/// memory storage it needs no storage grain per call, and it survives the loss of a silo in the same process.
/// </summary>
public sealed class InProcessGrainStorage(string name, InProcessStore store, Serializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (store.TryRead(Key(stateName, grainId), out var data, out var version))
        {
            grainState.State = serializer.Deserialize<T>(data);
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
        var version = store.TryWrite(Key(stateName, grainId), serializer.SerializeToArray(grainState.State), expected);
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

    private string Key(string stateName, GrainId grainId) => $"{name}/{stateName}/{grainId}";
}
