using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

public sealed class VersionRetentionTests
{
    [Fact]
    public void A_federated_version_whose_parameters_are_dropped_leaves_the_list_with_them()
    {
        // v1–v12 are federated merges (parameters stored), v13 is a statistical model; the champion is v2, the
        // previous champion v3, the candidate v12.
        var versions = Enumerable.Range(1, 12).Select(v => new RetainedVersion(v, true)).Append(new RetainedVersion(13, false)).ToList();

        var plan = VersionRetention.Plan(versions, [.. Enumerable.Range(1, 12)], champion: 2, candidate: 12, previousChampion: 3, versionsKept: 50, parametersKept: 8);

        Assert.Equal([1, 4, 5, 6], plan.DropParameters);
        Assert.Equal([1, 4, 5, 6], plan.DropVersions);
    }

    [Fact]
    public void Champion_candidate_and_previous_champion_are_never_dropped()
    {
        var versions = Enumerable.Range(1, 5).Select(v => new RetainedVersion(v, v <= 3)).ToList();

        var plan = VersionRetention.Plan(versions, [1, 2, 3], champion: 1, candidate: 2, previousChampion: 3, versionsKept: 1, parametersKept: 0);

        Assert.Empty(plan.DropParameters);
        Assert.Equal([4, 5], plan.DropVersions);
    }

    [Fact]
    public void The_oldest_versions_go_first_with_any_parameters_they_stored()
    {
        var versions = new[] { new RetainedVersion(1, false), new RetainedVersion(2, true), new RetainedVersion(3, false), new RetainedVersion(4, false) };

        var plan = VersionRetention.Plan(versions, [2, 9], champion: 4, candidate: null, previousChampion: null, versionsKept: 2, parametersKept: 8);

        Assert.Equal([1, 2], plan.DropVersions);
        Assert.Equal([2, 9], plan.DropParameters); // 9 belongs to no listed version
    }

    [Fact]
    public void A_listed_federated_version_without_parameters_is_dropped()
    {
        var versions = new[] { new RetainedVersion(1, true), new RetainedVersion(2, false) };

        var plan = VersionRetention.Plan(versions, [], champion: 2, candidate: null, previousChampion: null, versionsKept: 50, parametersKept: 8);

        Assert.Equal([1], plan.DropVersions);
        Assert.Empty(plan.DropParameters);
    }
}
