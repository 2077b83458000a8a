using System.Globalization;
using Orleans.Storage;

namespace Foresight.Cluster.Tests.Support;

/// <summary>
/// Grain storage in a dictionary by state name that records the state name of every write and clear. Versions as
/// ETags, checked as a database would: a write whose ETag is not the stored version fails with
/// <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class CountingStorage : IGrainStorage
{
    private readonly Dictionary<string, (object State, string ETag)> _states = [];
    private int _version;

    public List<string> Writes { get; } = [];

    public List<string> Clears { get; } = [];

    /// <summary>The next write fails (an unreachable database) when set; it resets itself.</summary>
    public bool FailNext { get; set; }

    public bool Holds(string stateName) => _states.ContainsKey(stateName);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (_states.TryGetValue(stateName, out var stored))
        {
            (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)stored.State, stored.ETag, true);
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (FailNext)
        {
            FailNext = false;
            return Task.FromException(new IOException("storage unavailable"));
        }

        var expected = _states.TryGetValue(stateName, out var stored) ? stored.ETag : null;
        if (grainState.ETag != expected)
        {
            return Task.FromException(new InconsistentStateException($"{stateName}: version {grainState.ETag ?? "none"}, stored {expected ?? "none"}"));
        }

        Writes.Add(stateName);
        var version = (++_version).ToString(CultureInfo.InvariantCulture);
        _states[stateName] = (grainState.State!, version);
        (grainState.ETag, grainState.RecordExists) = (version, true);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        Clears.Add(stateName);
        _states.Remove(stateName);
        (grainState.ETag, grainState.RecordExists) = (null, false);
        return Task.CompletedTask;
    }
}
