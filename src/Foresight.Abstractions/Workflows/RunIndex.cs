namespace Foresight.Abstractions.Workflows;

/// <summary>What the run index keeps of a workflow run: enough to list it without asking its grain.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSummary(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Name,
    [property: Id(2)] WorkflowStatus Status,
    [property: Id(3)] string? Event,
    [property: Id(4)] string? Repository,
    [property: Id(5)] string? Ref,
    [property: Id(6)] string? Actor,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] int Jobs)
{
    /// <summary>The summary of a run's record; <paramref name="createdAt"/> is when the run was first indexed.</summary>
    public static RunSummary Of(WorkflowRecord run, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(run);
        var trigger = run.Spec?.Trigger;
        return new RunSummary(
            run.RunId,
            run.Spec?.Name ?? "",
            run.Status,
            trigger?.Event,
            trigger?.Repository,
            trigger?.Ref,
            trigger?.Actor,
            createdAt,
            run.StartedAt,
            run.FinishedAt,
            run.Spec?.Jobs.Count ?? 0);
    }
}

/// <summary>
/// Which runs a page lists: all given fields must match (null: any). <see cref="Repository"/> and <see cref="Event"/>
/// compare case-insensitively; <see cref="Branch"/> matches a run whose ref is <c>refs/heads/&lt;branch&gt;</c> or the
/// branch itself.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunFilter(
    [property: Id(0)] WorkflowStatus? Status = null,
    [property: Id(1)] string? Repository = null,
    [property: Id(2)] string? Branch = null,
    [property: Id(3)] string? Event = null)
{
    /// <summary>Longest repository, branch or event accepted in a filter.</summary>
    public const int MaxLength = 200;

    /// <summary>Every run.</summary>
    public static RunFilter All { get; } = new();

    public bool Matches(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (Status is not { } s || run.Status == s)
            && (Repository is null || string.Equals(run.Repository, Repository, StringComparison.OrdinalIgnoreCase))
            && (Event is null || string.Equals(run.Event, Event, StringComparison.OrdinalIgnoreCase))
            && (Branch is null || string.Equals(run.Ref, Branch, StringComparison.Ordinal) || string.Equals(run.Ref, "refs/heads/" + Branch, StringComparison.Ordinal));
    }
}

/// <summary>One page of runs, newest first; <see cref="HasMore"/> when older runs match too.</summary>
[GenerateSerializer, Immutable]
public sealed record RunPage(
    [property: Id(0)] IReadOnlyList<RunSummary> Runs,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] long Total);

/// <summary>The part of one segment that a page needs: how many of its runs match, and those after the skipped ones.</summary>
[GenerateSerializer, Immutable]
public sealed record RunSegmentSlice(
    [property: Id(0)] int Matching,
    [property: Id(1)] IReadOnlyList<RunSummary> Runs);

/// <summary>
/// The index of workflow runs, newest first (key <see cref="Key"/>). Runs are appended to segments of
/// <see cref="RunIndexPaging.SegmentSize"/> (<see cref="IRunSegmentGrain"/>), so that no grain holds or writes more
/// than one segment's runs; this grain holds only the segment being filled and the count.
/// </summary>
public interface IRunIndexGrain : IGrainWithStringKey
{
    public const string Key = "runs";

    /// <summary>Adds a run to the segment being filled and returns that segment's number (the caller keeps it to
    /// update the run's summary there).</summary>
    Task<int> Add(RunSummary run);

    /// <summary>Runs newest first that match <paramref name="filter"/>, from <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    [ReadOnly]
    Task<RunPage> Page(RunFilter filter, int skip, int take);
}

/// <summary>One segment of the run index (key: its number, from 0).</summary>
public interface IRunSegmentGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the run, or replaces its summary (keeping its place).</summary>
    Task Put(RunSummary run);

    [ReadOnly]
    Task<RunSegmentSlice> Read(RunFilter filter, int skip, int take);
}

/// <summary>The persisted runs of one segment, oldest first.</summary>
[GenerateSerializer]
public sealed class RunSegmentState
{
    [Id(0)] public List<RunSummary> Runs { get; set; } = [];
}

/// <summary>The persisted head of the run index.</summary>
[GenerateSerializer]
public sealed class RunIndexState
{
    /// <summary>The segment being filled.</summary>
    [Id(0)] public int Segment { get; set; }

    /// <summary>Runs added to it.</summary>
    [Id(1)] public int InSegment { get; set; }

    [Id(2)] public long Total { get; set; }
}

/// <summary>The run index's rules: segment size, page limits, and how a segment answers a page (pure).</summary>
public static class RunIndexPaging
{
    public const int SegmentSize = 1000;

    /// <summary>The largest page.</summary>
    public const int MaxTake = 200;

    /// <summary>Puts <paramref name="run"/> in <paramref name="runs"/> (oldest first): replaces the entry of the same id, or appends.</summary>
    public static void Put(List<RunSummary> runs, RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(run);
        for (var i = runs.Count - 1; i >= 0; i--)
        {
            if (runs[i].RunId == run.RunId)
            {
                runs[i] = run with { CreatedAt = runs[i].CreatedAt };
                return;
            }
        }

        runs.Add(run);
    }

    /// <summary>Newest first: how many of <paramref name="runs"/> match <paramref name="filter"/>, and the matches after
    /// <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public static RunSegmentSlice Read(IReadOnlyList<RunSummary> runs, RunFilter filter, int skip, int take)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(filter);
        var matching = 0;
        var page = new List<RunSummary>(Math.Clamp(take, 0, MaxTake + 1));
        for (var i = runs.Count - 1; i >= 0; i--)
        {
            var run = runs[i];
            if (!filter.Matches(run))
            {
                continue;
            }

            if (matching >= skip && page.Count < take)
            {
                page.Add(run);
            }

            matching++;
        }

        return new RunSegmentSlice(matching, page);
    }

    /// <summary>A page over segments read newest first: <paramref name="readSegment"/> is called for segment
    /// <paramref name="newest"/> down to 0 until the page and one more run are found.</summary>
    public static async Task<RunPage> PageAsync(int newest, long total, RunFilter filter, int skip, int take, Func<int, RunFilter, int, int, Task<RunSegmentSlice>> readSegment)
    {
        ArgumentNullException.ThrowIfNull(readSegment);
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, MaxTake);
        var runs = new List<RunSummary>(take + 1);
        for (var segment = newest; segment >= 0 && runs.Count <= take; segment--)
        {
            var slice = await readSegment(segment, filter, skip, take + 1 - runs.Count);
            runs.AddRange(slice.Runs);
            skip = Math.Max(0, skip - slice.Matching);
        }

        var more = runs.Count > take;
        return new RunPage(more ? runs.GetRange(0, take) : runs, more, total);
    }
}
