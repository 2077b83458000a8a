using System.Collections.ObjectModel;
using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Placement;

public class CapabilityMatcherTests
{
    private static JobDemand JobWithLabels(IReadOnlyCollection<string> labels) => new("j", labels, new Resources(1, 512));

    [Fact]
    public void Job_labels_must_be_a_subset_of_worker_labels()
    {
        var worker = Worker("w", labels: ["linux", "x64", "docker"]);
        Assert.True(CapabilityMatcher.Matches(Job("j", labels: ["linux", "docker"]), worker));
        Assert.True(CapabilityMatcher.Matches(Job("j"), worker));
        Assert.False(CapabilityMatcher.Matches(Job("j", labels: ["linux", "gpu"]), worker));
    }

    [Fact]
    public void Labels_are_case_sensitive()
    {
        Assert.False(CapabilityMatcher.Matches(Job("j", labels: ["Linux"]), Worker("w", labels: ["linux"])));
    }

    [Fact]
    public void Any_label_collection_type_works()
    {
        var worker = Worker("w", labels: ["linux", "x64"]);
        IReadOnlyCollection<string>[] fits =
        [
            new[] { "linux", "x64" },
            new List<string> { "x64" },
            new HashSet<string> { "linux" },
            new SortedSet<string> { "linux", "x64" },
            new ReadOnlyCollection<string>(["linux"]),
        ];
        IReadOnlyCollection<string>[] misfits =
        [
            new[] { "linux", "arm64" },
            new List<string> { "arm64" },
            new HashSet<string> { "linux", "gpu" },
            new SortedSet<string> { "gpu" },
        ];

        Assert.All(fits, labels => Assert.True(CapabilityMatcher.Matches(JobWithLabels(labels), worker)));
        Assert.All(misfits, labels => Assert.False(CapabilityMatcher.Matches(JobWithLabels(labels), worker)));
    }

    [Theory]
    [InlineData(4.0, 8192, true)]
    [InlineData(4.01, 8192, false)]
    [InlineData(4.0, 8193, false)]
    [InlineData(0.5, 1, true)]
    public void Request_must_fit_the_free_capacity(double cpu, long memoryMb, bool fits)
    {
        Assert.Equal(fits, CapabilityMatcher.Matches(Job("j", cpu, memoryMb), Worker("w", 4, 8192)));
    }

    [Fact]
    public void Allocated_resources_are_not_free()
    {
        var worker = Worker("w", 4, 8192);
        worker.Allocated = new Resources(3, 1024);
        Assert.True(CapabilityMatcher.Matches(Job("j", 1, 7168), worker));
        Assert.False(CapabilityMatcher.Matches(Job("j", 1.5, 1024), worker));
        Assert.False(CapabilityMatcher.Matches(Job("j", 1, 7169), worker));
    }

    [Fact]
    public void A_worker_that_is_not_accepting_never_matches()
    {
        var worker = Worker("w");
        worker.Accepting = false;
        Assert.False(CapabilityMatcher.Matches(Job("j", 0.1, 1), worker));
    }
}
