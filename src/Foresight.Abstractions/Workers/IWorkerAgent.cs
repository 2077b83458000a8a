namespace Foresight.Abstractions.Workers;

/// <summary>The agent side of a worker (a process on a build machine, or a local worker in the server): assignments are pushed here.</summary>
public interface IWorkerAgent : IGrainObserver
{
    Task Assign(IReadOnlyList<Assignment> assignments);

    Task Cancel(string jobId, int attempt);

    /// <summary>Stop taking work, finish what runs, then deregister.</summary>
    Task Drain();
}
