using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Valid workflows: what the parser accepts and what a run expands to.</summary>
public sealed class WorkflowParserTests
{
    private static readonly WorkflowTrigger Push = new("push", "octo/repo", "refs/heads/main", "abc123", "mona");

    internal static WorkflowDefinition Parse(string yaml)
    {
        var result = WorkflowParser.Parse(yaml, "ci.yml");
        Assert.True(result.Definition is not null, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        return result.Definition!;
    }

    internal static ExpandedWorkflow Expand(string yaml, WorkflowTrigger? trigger = null, string? runId = "run-1") =>
        WorkflowExpander.Expand(Parse(yaml), trigger ?? Push, runId);

    [Fact]
    public void A_workflow_using_every_supported_key_is_accepted_and_expanded()
    {
        const string yaml = """
            name: CI
            run-name: CI for ${{ github.ref }}
            on:
              push:
                branches: [main, 'release/**']
                paths: ['src/**']
              pull_request:
                branches-ignore: [gh-pages]
                types: [opened, synchronize]
              workflow_dispatch:
                inputs:
                  level:
                    description: log level
                    type: choice
                    options: [info, debug]
                    default: info
            permissions:
              contents: read
            env:
              GLOBAL: g-${{ github.sha }}
            defaults:
              run:
                shell: bash
                working-directory: src
            concurrency:
              group: ci-${{ github.ref }}
              cancel-in-progress: true
            x-foresight:
              priority: 5
              pool: shell
            jobs:
              build:
                name: Build on ${{ matrix.os }}
                runs-on: [self-hosted, '${{ matrix.os }}']
                timeout-minutes: 30
                continue-on-error: false
                strategy:
                  fail-fast: false
                  max-parallel: 2
                  matrix:
                    os: [linux, macos]
                    go: ['1.22', '1.23']
                env:
                  GOVERSION: ${{ matrix.go }}
                x-foresight:
                  cpu: 2
                  memory: 2Gi
                  retries: 2
                  retry-exit-codes: [137]
                steps:
                  - id: compile
                    name: Compile ${{ matrix.go }}
                    run: |
                      echo "$GLOBAL ${{ env.GOVERSION }} ${{ inputs.level }}"
                      make
                    env:
                      STEP: s
                    shell: sh
                    working-directory: ./cmd
                    continue-on-error: true
                    timeout-minutes: 5
                  - run: make test
              deploy:
                needs: build
                if: always()
                runs-on: linux
                steps:
                  - run: ./deploy.sh
            """;

        var run = Expand(yaml);

        Assert.Equal("CI", run.Name);
        Assert.Equal("ci.yml", run.Source);
        Assert.Equal("ci-refs/heads/main", run.ConcurrencyGroup);
        Assert.True(run.CancelInProgress);
        Assert.Equal(
            ["build (linux, 1.22)", "build (linux, 1.23)", "build (macos, 1.22)", "build (macos, 1.23)", "deploy"],
            run.Jobs.Select(j => j.Key));

        var build = run.Jobs[1];
        Assert.Equal("Build on linux", build.Name);
        Assert.Equal(["self-hosted", "linux"], build.Labels);
        Assert.Equal("build", build.MatrixGroup);
        Assert.False(build.FailFast);
        Assert.Equal(2, build.MaxParallel);
        Assert.Equal(TimeSpan.FromMinutes(30), build.Timeout);
        Assert.Equal("success()", build.Condition);
        Assert.Equal(5, build.Priority);
        Assert.Equal(2.0, build.Cpu);
        Assert.Equal(2048, build.MemoryMb);
        Assert.Equal(2, build.Retries);
        Assert.Equal([137], build.RetryExitCodes!);
        Assert.Equal("shell", build.Pool);
        Assert.Equal("g-abc123", build.Env["GLOBAL"]);
        Assert.Equal("1.23", build.Env["GOVERSION"]);

        var compile = build.Steps[0];
        Assert.Equal("Compile 1.23", compile.Name);
        // env.* in a step is the agent's to evaluate (a step before may have changed it through GITHUB_ENV).
        Assert.Equal("echo \"$GLOBAL ${{ env.GOVERSION }} info\"\nmake\n", compile.Run);
        Assert.Equal("compile", compile.Id);
        Assert.Equal(new Dictionary<string, string> { ["STEP"] = "s" }, compile.Env);
        Assert.Equal("sh", compile.Shell);
        Assert.Equal("./cmd", compile.WorkingDirectory);
        Assert.True(compile.ContinueOnError);
        Assert.Equal(TimeSpan.FromMinutes(5), compile.Timeout);

        var test = build.Steps[1];
        Assert.Equal("Run make test", test.Name);
        Assert.Equal("bash", test.Shell);
        Assert.Equal("src", test.WorkingDirectory);
        Assert.False(test.ContinueOnError);

        var deploy = run.Jobs[4];
        Assert.Equal(["build (linux, 1.22)", "build (linux, 1.23)", "build (macos, 1.22)", "build (macos, 1.23)"], deploy.Needs);
        Assert.Equal("always()", deploy.Condition);
        Assert.Null(deploy.MatrixGroup);
        Assert.Null(deploy.MaxParallel);
        Assert.Equal(["linux"], deploy.Labels);
        Assert.Equal("deploy", deploy.Name);
    }

    [Fact]
    public void A_matrix_job_name_without_matrix_values_gets_them_appended()
    {
        var run = Expand("""
            on: push
            jobs:
              test:
                name: Unit tests
                runs-on: linux
                strategy:
                  matrix:
                    node: [18, 20]
                steps:
                  - run: npm test
            """);

        Assert.Equal(["Unit tests (18)", "Unit tests (20)"], run.Jobs.Select(j => j.Name));
        Assert.Equal(["test (18)", "test (20)"], run.Jobs.Select(j => j.Key));
        Assert.All(run.Jobs, j => Assert.True(j.FailFast));
    }

    [Fact]
    public void Github_context_values_come_from_the_trigger()
    {
        var run = Expand(
            """
            name: ctx
            on: [push, pull_request]
            jobs:
              show:
                runs-on: linux
                steps:
                  - run: echo ${{ github.event_name }} ${{ github.repository }} ${{ github.repository_owner }} ${{ github.ref }} ${{ github.ref_name }} ${{ github.ref_type }} ${{ github.sha }} ${{ github.actor }} ${{ github.run_id }} ${{ github.workflow }} ${{ github.base_ref }} ${{ github.head_ref }}
            """,
            new WorkflowTrigger("pull_request", "octo/repo", "refs/pull/7/merge", "f00", "mona", BaseRef: "main") { HeadRef = "feature" },
            "run-42");

        Assert.Equal("echo pull_request octo/repo octo refs/pull/7/merge 7/merge branch f00 mona run-42 ctx main feature", run.Jobs[0].Steps[0].Run);
    }

    [Fact]
    public void A_jobs_if_keeps_only_its_status_functions()
    {
        var run = Expand("""
            on: push
            jobs:
              a:
                runs-on: linux
                steps: [{ run: 'true' }]
              on-push:
                if: github.event_name == 'push'
                runs-on: linux
                steps: [{ run: 'true' }]
              on-pr:
                if: ${{ github.event_name == 'pull_request' }}
                runs-on: linux
                steps: [{ run: 'true' }]
              cleanup:
                needs: a
                if: always() && github.ref == 'refs/heads/main'
                runs-on: linux
                steps: [{ run: 'true' }]
              notify:
                needs: a
                if: ${{ failure() || cancelled() }}
                runs-on: linux
                steps: [{ run: 'true' }]
              never:
                if: false
                runs-on: linux
                steps: [{ run: 'true' }]
              literal-true:
                if: true
                runs-on: linux
                steps: [{ run: 'true' }]
              not-cancelled:
                needs: a
                if: ${{ !cancelled() && startsWith(github.ref, 'refs/heads/') }}
                runs-on: linux
                steps: [{ run: 'true' }]
            """);

        var conditions = run.Jobs.ToDictionary(j => j.Key, j => j.Condition);
        Assert.Equal("success()", conditions["a"]);
        Assert.Equal("success()", conditions["on-push"]);
        Assert.Equal("false", conditions["on-pr"]);
        Assert.Equal("always()", conditions["cleanup"]);
        Assert.Equal("failure() || cancelled()", conditions["notify"]);
        Assert.Equal("false", conditions["never"]);
        Assert.Equal("success()", conditions["literal-true"]);
        Assert.Equal("!cancelled()", conditions["not-cancelled"]);
    }

    [Fact]
    public void A_step_whose_if_is_false_is_left_out_of_the_run()
    {
        var run = Expand("""
            on: push
            jobs:
              build:
                runs-on: linux
                strategy:
                  matrix:
                    os: [linux, windows]
                steps:
                  - run: echo always
                  - if: matrix.os == 'linux'
                    run: echo linux only
                  - if: ${{ success() && matrix.os != 'linux' }}
                    run: echo not linux
            """);

        Assert.Equal(["echo always", "echo linux only"], run.Jobs[0].Steps.Select(s => s.Run));
        Assert.Equal(["echo always", "echo not linux"], run.Jobs[1].Steps.Select(s => s.Run));
        Assert.All(run.Jobs.SelectMany(j => j.Steps), s => Assert.Null(s.If));
    }

    [Fact]
    public void Env_layers_workflow_job_and_step_and_expressions_see_the_layers_below()
    {
        var run = Expand("""
            on: push
            env:
              A: wf
              B: wf
            jobs:
              j:
                runs-on: linux
                env:
                  B: job-${{ env.A }}
                  C: ${{ github.actor }}
                steps:
                  - run: echo ${{ env.A }} ${{ env.B }} ${{ env.C }} ${{ env.D }} ${{ env.MISSING }}.
                    env:
                      D: step-${{ env.B }}
            """);

        var job = run.Jobs[0];
        Assert.Equal(new Dictionary<string, string> { ["A"] = "wf", ["B"] = "job-wf", ["C"] = "mona" }, job.Env);
        // A step's env.* is evaluated on the agent, where GITHUB_ENV may have added to it.
        Assert.Equal("echo ${{ env.A }} ${{ env.B }} ${{ env.C }} ${{ env.D }} ${{ env.MISSING }}.", job.Steps[0].Run);
        Assert.Equal(new Dictionary<string, string> { ["D"] = "step-${{ env.B }}" }, job.Steps[0].Env);
    }

    [Fact]
    public void Inputs_take_the_trigger_values_over_the_defaults()
    {
        const string yaml = """
            on:
              workflow_dispatch:
                inputs:
                  target:
                    default: staging
                  dry-run:
                    type: boolean
                    default: true
            jobs:
              deploy:
                runs-on: linux
                continue-on-error: ${{ inputs.dry-run }}
                steps:
                  - run: deploy ${{ inputs.target }} ${{ inputs.dry-run }}
            """;

        var defaults = Expand(yaml, new WorkflowTrigger("workflow_dispatch"));
        Assert.Equal("deploy staging true", defaults.Jobs[0].Steps[0].Run);
        Assert.True(defaults.Jobs[0].ContinueOnError);

        var given = Expand(yaml, new WorkflowTrigger("workflow_dispatch", Inputs: new Dictionary<string, string> { ["target"] = "prod", ["dry-run"] = "false" }));
        Assert.Equal("deploy prod false", given.Jobs[0].Steps[0].Run);
        Assert.False(given.Jobs[0].ContinueOnError);
    }

    [Fact]
    public void Runs_on_from_a_matrix_list_becomes_several_labels_and_continue_on_error_can_come_from_the_matrix()
    {
        var run = Expand("""
            on: push
            jobs:
              test:
                runs-on: ${{ matrix.runner }}
                continue-on-error: ${{ matrix.experimental }}
                strategy:
                  matrix:
                    runner: [[self-hosted, gpu]]
                    experimental: [false]
                    include:
                      - runner: [linux]
                        experimental: true
                steps:
                  - run: make
            """);

        Assert.Equal(["self-hosted", "gpu"], run.Jobs[0].Labels);
        Assert.False(run.Jobs[0].ContinueOnError);
        Assert.Equal(["linux"], run.Jobs[1].Labels);
        Assert.True(run.Jobs[1].ContinueOnError);
        Assert.Equal(["test (self-hosted, gpu, false)", "test (linux, true)"], run.Jobs.Select(j => j.Key));
    }

    [Fact]
    public void Concurrency_as_a_plain_string_does_not_cancel_in_progress_and_a_missing_one_is_null()
    {
        Assert.Equal(("deploy-octo/repo", false), Pair(Expand("""
            on: push
            concurrency: deploy-${{ github.repository }}
            jobs:
              j: { runs-on: linux, steps: [{ run: make }] }
            """)));
        Assert.Equal((null, false), Pair(Expand("""
            on: push
            jobs:
              j: { runs-on: linux, steps: [{ run: make }] }
            """)));
        Assert.Equal(("g", true), Pair(Expand("""
            on: push
            concurrency:
              group: g
              cancel-in-progress: ${{ github.event_name == 'push' }}
            jobs:
              j: { runs-on: linux, steps: [{ run: make }] }
            """)));

        static (string?, bool) Pair(ExpandedWorkflow w) => (w.ConcurrencyGroup, w.CancelInProgress);
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("512Mi", 512L)]
    [InlineData("2Gi", 2048L)]
    [InlineData("1.5Gi", 1536L)]
    [InlineData("2048Ki", 2L)]
    [InlineData("1G", 954L)]
    public void Memory_accepts_mebibytes_and_sizes(string memory, long expected)
    {
        var run = Expand($$"""
            on: push
            jobs:
              j:
                runs-on: linux
                x-foresight: { memory: {{memory}} }
                steps: [{ run: make }]
            """);

        Assert.Equal(expected, run.Jobs[0].MemoryMb);
    }

    [Fact]
    public void Job_foresight_keys_override_the_workflows_and_the_workflow_name_defaults_to_the_file()
    {
        var run = Expand("""
            on: push
            x-foresight: { priority: 3, pool: ci, cpu: 4 }
            jobs:
              a:
                runs-on: linux
                x-foresight: { priority: 9 }
                steps: [{ run: make }]
              b:
                runs-on: linux
                steps: [{ run: make }]
            """);

        Assert.Equal("ci.yml", run.Name);
        Assert.Equal((9, "ci", 4.0), (run.Jobs[0].Priority, run.Jobs[0].Pool, run.Jobs[0].Cpu));
        Assert.Equal((3, "ci", 4.0), (run.Jobs[1].Priority, run.Jobs[1].Pool, run.Jobs[1].Cpu));
        Assert.Null(run.Jobs[1].MemoryMb);
        Assert.Null(run.Jobs[1].Retries);
    }

    [Fact]
    public void Expressions_support_comparisons_logic_and_string_functions()
    {
        var run = Expand("""
            on: push
            jobs:
              j:
                runs-on: linux
                strategy:
                  matrix:
                    v: [3]
                steps:
                  - run: >-
                      ${{ matrix.v > 2 }} ${{ matrix.v == '3' }} ${{ 'ABC' == 'abc' }} ${{ contains('Hello', 'ell') }}
                      ${{ startsWith(github.ref, 'refs/HEADS') }} ${{ endsWith(github.sha, '123') }}
                      ${{ format('{0}-{1}{{x}}', github.actor, matrix.v) }} ${{ github.actor || 'none' }} ${{ '' || 'fallback' }}
                      ${{ null }}|${{ !matrix.v }} ${{ (1 < 2) && 'yes' }} ${{ matrix['v'] }} ${{ contains(fromArray, 1) }}
            """.Replace("${{ contains(fromArray, 1) }}", "x", StringComparison.Ordinal));

        Assert.Equal("true true true true true true mona-3{x} mona fallback |false yes 3 x", run.Jobs[0].Steps[0].Run);
    }
}
