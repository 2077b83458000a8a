namespace Foresight.Client.Tests.EndToEnd;

/// <summary>Workflow files the end-to-end tests submit; they run on the server's local workers (label linux).</summary>
internal static class Workflows
{
    /// <summary>build → test → package, each printing a line.</summary>
    public const string Chain = """
        name: chain
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo "compiling ${{ github.ref }}"
          test:
            needs: build
            runs-on: linux
            steps:
              - run: echo "all tests passed"
          package:
            needs: test
            runs-on: linux
            steps:
              - run: echo packaged
        """;

    /// <summary>A job that fails, and one behind it that therefore never runs.</summary>
    public const string Failing = """
        name: broken
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: |
                  echo "about to fail"
                  exit 3
          deploy:
            needs: build
            runs-on: linux
            steps:
              - run: echo never
        """;

    /// <summary>Needs a job that does not exist: refused with the field at fault.</summary>
    public const string UnknownNeed = """
        name: invalid
        on: push
        jobs:
          test:
            needs: buld
            runs-on: linux
            steps:
              - run: echo never
        """;
}
