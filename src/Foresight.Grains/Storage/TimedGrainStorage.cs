using System.Diagnostics;
using Foresight.Grains.Observability;
using Orleans.Storage;

namespace Foresight.Grains.Storage;

/// <summary>
/// A grain storage that times every write of the storage it wraps (<c>foresight_storage_write_duration_seconds</c>),
/// whatever the provider: in-process or PostgreSQL. It takes part in the silo's lifecycle when the wrapped one does
/// (the AdoNet provider initialises itself there).
/// </summary>
public sealed class TimedGrainStorage(string name, IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            failed = false;
        }
        finally
        {
            ForesightMetrics.StorageWritten(name, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle observer) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(observer);
}
