namespace Foresight.Server.Tests.Support;

/// <summary>Workflow files the tests submit and register for webhooks; they run on the local workers (label linux).</summary>
public static class TestWorkflows
{
    /// <summary>Two jobs, the second needing the first: <c>build</c> then <c>test</c>, under the workflow name given.</summary>
    public static string BuildThenTest(string name) => $$"""
        name: {{name}}
        on: workflow_dispatch
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo building
          test:
            needs: build
            runs-on: linux
            steps:
              - run: echo testing
        """;

    /// <summary>A needs chain around a 2×2 matrix: build → test (2×2) → report.</summary>
    public const string NeedsAndMatrix = """
        name: ci
        on:
          push:
            branches: [master]
          pull_request:
          workflow_dispatch:
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo "building ${{ github.sha }}"
          test:
            needs: build
            runs-on: linux
            strategy:
              matrix:
                os: [alpha, beta]
                n: [1, 2]
            steps:
              - run: echo "test ${{ matrix.os }} ${{ matrix.n }}"
          report:
            needs: test
            runs-on: linux
            steps:
              - run: echo report done
        """;

    /// <summary>Runs on pushes to a branch no payload uses: a push to master must not start it.</summary>
    public const string OtherBranch = """
        name: release
        on:
          push:
            branches: [release]
        jobs:
          publish:
            runs-on: linux
            steps:
              - run: echo publish
        """;

    /// <summary>The file the workflow_dispatch payload names (.github/workflows/hello-world-workflow.yml).</summary>
    public const string Dispatch = """
        name: hello
        on: workflow_dispatch
        jobs:
          hello:
            runs-on: linux
            steps:
              - run: echo "hello ${{ github.actor }}"
        """;

    /// <summary>A reusable workflow of another repository, in the fixture's action cache as octo/tools@v1.</summary>
    public const string CachedRelease = """
        on:
          workflow_call:
            outputs:
              tag: { value: "${{ jobs.tag.outputs.tag }}" }
        jobs:
          tag:
            runs-on: linux
            outputs: { tag: "${{ steps.t.outputs.tag }}" }
            steps:
              - id: t
                run: echo "tag=v1-from-cache" >> "$GITHUB_OUTPUT"
        """;

    public static readonly IReadOnlyList<(string Name, string Text)> RepositoryFiles =
    [
        ("ci.yml", NeedsAndMatrix),
        ("release.yaml", OtherBranch),
    ];
}
