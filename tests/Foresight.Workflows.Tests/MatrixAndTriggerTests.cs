using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>GitHub's matrix rules (the examples of its documentation) and trigger matching.</summary>
public sealed class MatrixAndTriggerTests
{
    private static IReadOnlyList<ExpandedJob> Matrix(string matrix) =>
        WorkflowParserTests.Expand($"""
            on: push
            jobs:
              j:
                runs-on: linux
                strategy:
                  matrix:
            {matrix}
                steps: [{"{"} run: make {"}"}]
            """).Jobs;

    [Fact]
    public void Axes_multiply_with_the_first_axis_varying_slowest()
    {
        var jobs = Matrix("""
                    os: [ubuntu, windows]
                    version: [10, 12, 14]
            """);

        Assert.Equal(
            ["j (ubuntu, 10)", "j (ubuntu, 12)", "j (ubuntu, 14)", "j (windows, 10)", "j (windows, 12)", "j (windows, 14)"],
            jobs.Select(j => j.Key));
        Assert.All(jobs, j => Assert.Equal("j", j.MatrixGroup));
    }

    [Fact]
    public void Exclude_removes_every_combination_an_entry_partially_matches()
    {
        var jobs = Matrix("""
                    os: [macos-latest, windows-latest]
                    version: [12, 14, 16]
                    environment: [staging, production]
                    exclude:
                      - os: macos-latest
                        version: 12
                        environment: production
                      - os: windows-latest
                        version: 16
            """);

        Assert.Equal(9, jobs.Count);
        Assert.DoesNotContain(jobs, j => j.Key == "j (macos-latest, 12, production)");
        Assert.DoesNotContain(jobs, j => j.Key.StartsWith("j (windows-latest, 16", StringComparison.Ordinal));
        Assert.Contains(jobs, j => j.Key == "j (macos-latest, 12, staging)");
    }

    [Fact]
    public void Include_extends_matching_combinations_without_overwriting_original_values_else_adds_one()
    {
        // The example of GitHub's documentation ("Expanding or adding matrix configurations").
        var jobs = Matrix("""
                    fruit: [apple, pear]
                    animal: [cat, dog]
                    include:
                      - color: green
                      - color: pink
                        animal: cat
                      - fruit: apple
                        shape: circle
                      - fruit: banana
                      - fruit: banana
                        animal: cat
            """);

        Assert.Equal(
            [
                "j (apple, cat, pink, circle)",
                "j (apple, dog, green, circle)",
                "j (pear, cat, pink)",
                "j (pear, dog, green)",
                "j (banana)",
                "j (banana, cat)",
            ],
            jobs.Select(j => j.Key));
    }

    [Fact]
    public void A_matrix_of_only_includes_makes_one_job_per_entry_and_object_values_reach_expressions()
    {
        var jobs = WorkflowParserTests.Expand("""
            on: push
            jobs:
              j:
                runs-on: ${{ matrix.config.os }}
                strategy:
                  matrix:
                    include:
                      - config: { os: linux, cc: gcc }
                      - config: { os: mac, cc: clang }
                steps:
                  - run: CC=${{ matrix.config.cc }} make ${{ matrix.config }}
            """).Jobs;

        Assert.Equal(["j (linux, gcc)", "j (mac, clang)"], jobs.Select(j => j.Key));
        Assert.Equal(["linux"], jobs[0].Labels);
        Assert.Equal("CC=clang make Object", jobs[1].Steps[0].Run);
    }

    [Fact]
    public void Identical_combinations_get_distinct_keys_and_every_dependant_needs_all_of_them()
    {
        var run = WorkflowParserTests.Expand("""
            on: push
            jobs:
              j:
                runs-on: linux
                strategy:
                  matrix:
                    include: [{ v: 1 }, { v: 1 }]
                steps: [{ run: make }]
              after:
                needs: j
                runs-on: linux
                steps: [{ run: make }]
            """);

        Assert.Equal(["j (1)", "j (1) #2", "after"], run.Jobs.Select(j => j.Key));
        Assert.Equal(["j (1)", "j (1) #2"], run.Jobs[2].Needs);
    }

    [Fact]
    public void Exactly_256_jobs_is_allowed()
    {
        var jobs = Matrix("""
                    a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
                    b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
            """);

        Assert.Equal(256, jobs.Count);
    }

    private static WorkflowDefinition On(string on) =>
        WorkflowParserTests.Parse($"on:\n{on}\njobs:\n  j: {{ runs-on: linux, steps: [{{ run: make }}] }}\n");

    [Theory]
    [InlineData("push", "main", true)]
    [InlineData("push", "refs/heads/main", true)]
    [InlineData("push", "refs/heads/release/1.0", true)]
    [InlineData("push", "refs/heads/release/1.0/hotfix", true)]
    [InlineData("push", "refs/heads/feature", false)]
    [InlineData("push", "refs/heads/release-old", false)]
    [InlineData("push", "refs/tags/v1.2", true)]
    [InlineData("push", "refs/tags/nightly", false)]
    [InlineData("push", null, false)]
    [InlineData("pull_request", "main", true)]
    [InlineData("pull_request", "gh-pages", false)]
    [InlineData("workflow_dispatch", null, true)]
    [InlineData("schedule", "main", true)]
    [InlineData("issues", null, false)]
    [InlineData("api", null, true)]
    public void Events_and_refs_are_matched_with_github_glob_filters(string eventName, string? reference, bool expected)
    {
        var definition = On("""
              push:
                branches: [main, 'release/**', '!release/old*']
                tags: ['v[0-9]*']
              pull_request:
                branches-ignore: [gh-pages]
              workflow_dispatch:
              schedule:
                - cron: '0 0 * * *'
            """);

        Assert.Equal(expected, definition.IsTriggeredBy(eventName, reference));
    }

    [Fact]
    public void Only_branch_filters_mean_no_tag_pushes_and_only_tag_filters_mean_no_branch_pushes()
    {
        var branchesOnly = On("  push:\n    branches: ['**']");
        Assert.True(branchesOnly.IsTriggeredBy("push", "refs/heads/x/y"));
        Assert.False(branchesOnly.IsTriggeredBy("push", "refs/tags/v1"));

        var tagsOnly = On("  push:\n    tags: ['*']");
        Assert.False(tagsOnly.IsTriggeredBy("push", "refs/heads/main"));
        Assert.True(tagsOnly.IsTriggeredBy("push", "refs/tags/v1"));

        var anything = On("  push:");
        Assert.True(anything.IsTriggeredBy("push", "refs/tags/v1"));
        Assert.True(anything.IsTriggeredBy("push", "refs/heads/main"));
        Assert.False(anything.IsTriggeredBy("pull_request", "main"));

        var ignore = On("  push:\n    branches-ignore: ['dependabot/**', 'tmp-*']");
        Assert.False(ignore.IsTriggeredBy("push", "dependabot/npm/x"));
        Assert.False(ignore.IsTriggeredBy("push", "tmp-1"));
        Assert.True(ignore.IsTriggeredBy("push", "tmp/1"));
        Assert.True(ignore.IsTriggeredBy("push", "main"));
    }

    [Theory]
    [InlineData("feature/*", "feature/a", true)]
    [InlineData("feature/*", "feature/a/b", false)]
    [InlineData("feature/**", "feature/a/b", true)]
    [InlineData("v1.?", "v1.", true)]
    [InlineData("v1.?", "v1.5", false)]
    [InlineData("v2+", "v222", true)]
    [InlineData("v2+", "v", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("a.b", "aXb", false)]
    public void Glob_patterns_follow_githubs_filter_syntax(string pattern, string name, bool matches)
    {
        var filter = RefFilter.Create([pattern], ignore: false, out var error);

        Assert.Null(error);
        Assert.Equal(matches, filter!.Allows(name));
    }

    [Fact]
    public void Paths_and_types_are_kept_and_do_not_prevent_a_start()
    {
        var definition = On("  pull_request:\n    types: [opened]\n    paths: ['src/**']");

        Assert.True(definition.IsTriggeredBy("pull_request", "main"));
        Assert.Equal(["pull_request"], definition.EventNames);
    }
}
