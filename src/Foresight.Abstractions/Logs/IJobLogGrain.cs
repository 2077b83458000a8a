namespace Foresight.Abstractions.Logs;

/// <summary>Where agents send output (a stateless worker, key 0): the silo appends it to its <see cref="IJobLogStore"/>.
/// Logs live outside grain state.</summary>
public interface IJobLogGrain : IGrainWithIntegerKey
{
    Task Append(IReadOnlyList<LogChunk> chunks);
}
