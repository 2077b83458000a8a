using Foresight.Abstractions.Workflows;

namespace Foresight.Web.Tests;

/// <summary>The run index's paging over segments (what the Runs page and <c>GET /api/workflows</c> read), without a cluster.</summary>
public sealed class RunIndexPagingTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pages_run_newest_first_across_segments_with_and_without_a_status_filter()
    {
        // 2,500 runs in segments of 1,000 (0, 1, 2); every third one Running.
        var segments = new List<List<RunSummary>> { new(), new(), new() };
        for (var i = 0; i < 2500; i++)
        {
            RunIndexPaging.Put(segments[i / RunIndexPaging.SegmentSize], Summary(i, i % 3 == 0 ? WorkflowStatus.Running : WorkflowStatus.Succeeded));
        }

        var reads = 0;
        Task<RunSegmentSlice> Read(int segment, RunFilter filter, int skip, int take)
        {
            reads++;
            return Task.FromResult(RunIndexPaging.Read(segments[segment], filter, skip, take));
        }

        var first = await RunIndexPaging.PageAsync(2, 2500, RunFilter.All, 0, 25, Read);
        Assert.Equal(Enumerable.Range(2475, 25).Reverse().Select(Id), first.Runs.Select(r => r.RunId));
        Assert.True(first.HasMore);
        Assert.Equal(1, reads); // the newest segment alone fills the first page

        // A page that starts in one segment and ends in the next.
        var across = await RunIndexPaging.PageAsync(2, 2500, RunFilter.All, 490, 25, Read);
        Assert.Equal(Enumerable.Range(1985, 25).Reverse().Select(Id), across.Runs.Select(r => r.RunId));

        var running = await RunIndexPaging.PageAsync(2, 2500, new RunFilter(WorkflowStatus.Running), 100, 50, Read);
        var expected = Enumerable.Range(0, 2500).Where(i => i % 3 == 0).Reverse().Skip(100).Take(50).Select(Id);
        Assert.Equal(expected, running.Runs.Select(r => r.RunId));

        var last = await RunIndexPaging.PageAsync(2, 2500, RunFilter.All, 2490, 25, Read);
        Assert.Equal(10, last.Runs.Count);
        Assert.False(last.HasMore);
    }

    [Fact]
    public void Putting_a_known_run_again_replaces_its_summary_in_place_and_keeps_when_it_was_created()
    {
        var runs = new List<RunSummary>();
        RunIndexPaging.Put(runs, Summary(1, WorkflowStatus.Running));
        RunIndexPaging.Put(runs, Summary(2, WorkflowStatus.Running));
        RunIndexPaging.Put(runs, Summary(1, WorkflowStatus.Failed) with { CreatedAt = Start.AddDays(9) });

        Assert.Equal(["run-1", "run-2"], runs.Select(r => r.RunId));
        Assert.Equal(WorkflowStatus.Failed, runs[0].Status);
        Assert.Equal(Start.AddSeconds(1), runs[0].CreatedAt);
    }

    [Fact]
    public async Task Filters_by_repository_branch_and_event_together_with_the_status()
    {
        var runs = new List<RunSummary>();
        for (var i = 0; i < 1200; i++)
        {
            RunIndexPaging.Put(runs, Summary(i, i % 2 == 0 ? WorkflowStatus.Succeeded : WorkflowStatus.Failed) with
            {
                Repository = i % 3 == 0 ? "acme/api" : "acme/app",
                Ref = i % 4 == 0 ? "refs/heads/release" : "refs/heads/main",
                Event = i % 5 == 0 ? "pull_request" : "push",
            });
        }

        Task<RunSegmentSlice> Read(int segment, RunFilter filter, int skip, int take) => Task.FromResult(RunIndexPaging.Read(runs, filter, skip, take));

        var filter = new RunFilter(WorkflowStatus.Succeeded, Repository: "ACME/API", Branch: "release", Event: "PUSH");
        var page = await RunIndexPaging.PageAsync(0, runs.Count, filter, 0, 200, Read);

        var expected = Enumerable.Range(0, 1200).Where(i => i % 2 == 0 && i % 3 == 0 && i % 4 == 0 && i % 5 != 0).Reverse().Select(Id).ToList();
        Assert.Equal(expected.Take(200), page.Runs.Select(r => r.RunId));
        Assert.Equal(expected.Count > 200, page.HasMore);
        Assert.All(page.Runs, r => Assert.True(r.Repository == "acme/api" && r.Ref == "refs/heads/release" && r.Event == "push" && r.Status == WorkflowStatus.Succeeded));

        // A branch matches the full ref too, and a filter nothing matches gives an empty page.
        Assert.Equal(expected.Count, RunIndexPaging.Read(runs, filter with { Branch = "refs/heads/release" }, 0, 1000).Matching);
        Assert.Empty((await RunIndexPaging.PageAsync(0, runs.Count, new RunFilter(Repository: "acme/none"), 0, 50, Read)).Runs);
    }

    private static string Id(int i) => $"run-{i}";

    private static RunSummary Summary(int i, WorkflowStatus status) =>
        new(Id(i), "ci", status, "push", "acme/app", "refs/heads/main", "dev", Start.AddSeconds(i), Start.AddSeconds(i), null, 3);
}
