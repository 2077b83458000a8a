using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Every error and unsupported message, each with the line and column it names.</summary>
public sealed class WorkflowDiagnosticsTests
{
    private const string Job = """
          j:
            runs-on: linux
            steps:
              - run: make
        """;

    public static TheoryData<string, string, string[]> YamlCases => new()
    {
        { "empty", "", ["1:1: error: the file is empty"] },
        { "comment only", "# nothing\n", ["1:1: error: the file is empty"] },
        { "not a map", "- a\n- b\n", ["1:1: error: a workflow file must be a map with keys such as name, on and jobs, not a list"] },
        { "scalar root", "hello\n", ["1:1: error: a workflow file must be a map with keys such as name, on and jobs, not a string"] },
        { "unclosed flow list", "on: push\njobs: [a\n", ["3:1: error: invalid YAML: While parsing a flow sequence, did not find expected ',' or ']'."] },
        { "reader failure", "on: [push, pull_request\njobs: 3\n", ["1:10: error: invalid YAML near here: the YAML reader failed (InvalidOperationException); check brackets, quotes and indentation"] },
        { "bad indentation", "on: push\njobs:\n  j:\n    runs-on: linux\n   steps: x\n", ["5:4: error: invalid YAML: While parsing a block mapping, did not find expected key."] },
        { "tab", "on: push\njobs:\n\tj: 1\n", ["3:1: error: invalid YAML: While scanning a mapping, found invalid tab as indentation."] },
        { "second document", "on: push\n---\non: push\n", ["2:1: error: a workflow file holds one YAML document; this is a second one"] },
        { "unknown alias", "on: push\njobs: *nope\n", ["2:7: error: alias '*nope' names no anchor defined before it"] },
        { "recursive alias", "on: push\njobs: &a\n  j: *a\n", ["3:6: error: alias '*a' refers to a node that contains it"] },
        { "complex key", "on: push\n? [a]\n: b\n", ["2:3: error: a map key must be a plain name, not a list"] },
        { "duplicate key", "on: push\non: pull_request\njobs:\n" + Job, ["2:1: error: duplicate key 'on' (first defined at line 1, column 1)"] },
        { "duplicate job id", "on: push\njobs:\n" + Job + "\n" + Job, ["7:3: error: duplicate job id 'j' (first defined at line 3, column 3)"] },
    };

    public static TheoryData<string, string, string[]> WorkflowCases => new()
    {
        { "unknown top-level key", "on: push\nnme: x\njobs:\n" + Job, ["2:1: error: unknown key 'nme' at the top level (expected one of: name, run-name, on, permissions, env, defaults, concurrency, jobs, x-foresight)"] },
        { "no jobs", "on: push\nname: x\n", ["1:1: error: a workflow needs jobs"] },
        { "jobs not a map", "on: push\njobs: [a]\n", ["2:7: error: jobs must be a map of job ids to jobs, not a list"] },
        { "jobs empty", "on: push\njobs: {}\n", ["2:7: error: jobs is empty: a workflow needs at least one job"] },
        { "name not a string", "name: [a]\non: push\njobs:\n" + Job, ["1:7: error: name must be a string, not a list"] },
        { "permissions list", "on: push\npermissions: [a]\njobs:\n" + Job, ["2:14: error: permissions must be read-all, write-all or a map of scopes, not a list"] },
        { "on list item", "on: [push, {a: b}]\njobs:\n" + Job, ["1:12: error: an event in the on list must be a name, not a map"] },
        { "on null", "on:\njobs:\n" + Job, ["1:4: error: on must be an event name, a list of events or a map of events, not null"] },
        { "on empty list", "on: []\njobs:\n" + Job, ["1:1: error: on names no event"] },
        { "unknown event", "on: [push, pusj]\njobs:\n" + Job, ["1:12: error: unknown event 'pusj'"] },
        { "push filters not a map", "on:\n  push: [main]\njobs:\n" + Job, ["2:9: error: on.push must be a map of filters, not a list"] },
        { "push unknown filter", "on:\n  push:\n    branch: [main]\njobs:\n" + Job, ["3:5: error: unknown key 'branch' in on.push (expected one of: branches, branches-ignore, tags, tags-ignore, paths, paths-ignore)"] },
        { "pr tags", "on:\n  pull_request:\n    tags: [v1]\njobs:\n" + Job, ["3:5: error: unknown key 'tags' in on.pull_request (expected one of: types, branches, branches-ignore, paths, paths-ignore)"] },
        { "branches not strings", "on:\n  push:\n    branches: [{a: b}]\njobs:\n" + Job, ["3:15: error: on.push.branches must be a list of strings"] },
        { "branches and ignore", "on:\n  push:\n    branches: [main]\n    branches-ignore: [dev]\njobs:\n" + Job, ["3:5: error: on.push cannot have both branches and branches-ignore"] },
        { "paths and ignore", "on:\n  push:\n    paths: [a]\n    paths-ignore: [b]\njobs:\n" + Job, ["3:5: error: on.push cannot have both paths and paths-ignore"] },
        { "empty pattern", "on:\n  push:\n    tags: ['!']\njobs:\n" + Job, ["3:11: error: an empty filter pattern matches nothing"] },
        { "dispatch not a map", "on:\n  workflow_dispatch: [a]\njobs:\n" + Job, ["2:22: error: on.workflow_dispatch must be a map, not a list"] },
        { "dispatch unknown key", "on:\n  workflow_dispatch:\n    input: {}\njobs:\n" + Job, ["3:5: error: unknown key 'input' in on.workflow_dispatch (expected one of: inputs)"] },
        { "inputs not a map", "on:\n  workflow_dispatch:\n    inputs: [a]\njobs:\n" + Job, ["3:13: error: on.workflow_dispatch.inputs must be a map of inputs"] },
        { "input not a map", "on:\n  workflow_dispatch:\n    inputs:\n      a: [x]\njobs:\n" + Job, ["4:10: error: input 'a' must be a map (description, required, default, type, options)"] },
        { "input unknown key", "on:\n  workflow_dispatch:\n    inputs:\n      a:\n        kind: string\njobs:\n" + Job, ["5:9: error: unknown key 'kind' in input 'a' (expected one of: description, required, default, type, options)"] },
        { "input required", "on:\n  workflow_dispatch:\n    inputs:\n      a:\n        required: maybe\njobs:\n" + Job, ["5:19: error: inputs.a.required must be true or false (was 'maybe')"] },
        { "concurrency list", "on: push\nconcurrency: [a]\njobs:\n" + Job, ["2:14: error: concurrency must be a group name or a map with group and cancel-in-progress, not a list"] },
        { "concurrency no group", "on: push\nconcurrency:\n  cancel-in-progress: true\njobs:\n" + Job, ["3:3: error: concurrency needs a group"] },
        { "concurrency group list", "on: push\nconcurrency:\n  group: [a]\njobs:\n" + Job, ["3:10: error: concurrency.group must be a string"] },
        { "concurrency unknown", "on: push\nconcurrency:\n  group: a\n  cancel: true\njobs:\n" + Job, ["4:3: error: unknown key 'cancel' in concurrency (expected one of: group, cancel-in-progress)"] },
        { "cancel not bool", "on: push\nconcurrency:\n  group: a\n  cancel-in-progress: yes\njobs:\n" + Job, ["4:23: error: concurrency.cancel-in-progress must be true or false (was 'yes')"] },
        { "defaults list", "on: push\ndefaults: [a]\njobs:\n" + Job, ["2:11: error: defaults must be a map, not a list"] },
        { "defaults unknown", "on: push\ndefaults:\n  shell: bash\njobs:\n" + Job, ["3:3: error: unknown key 'shell' in defaults (expected one of: run)"] },
        { "defaults.run list", "on: push\ndefaults:\n  run: [a]\njobs:\n" + Job, ["3:8: error: defaults.run must be a map, not a list"] },
        { "defaults.run unknown", "on: push\ndefaults:\n  run:\n    cwd: a\njobs:\n" + Job, ["4:5: error: unknown key 'cwd' in defaults.run (expected one of: shell, working-directory)"] },
        { "defaults wd list", "on: push\ndefaults:\n  run:\n    working-directory: [a]\njobs:\n" + Job, ["4:24: error: working-directory must be a string"] },
        { "env list", "on: push\nenv: [a]\njobs:\n" + Job, ["2:6: error: env must be a map of variable names to values, not a list"] },
        { "env value map", "on: push\nenv:\n  A: {b: c}\njobs:\n" + Job, ["3:6: error: the value of env variable 'A' must be a string, number or boolean, not a map"] },
        { "env bad name", "on: push\nenv:\n  A=B: c\njobs:\n" + Job, ["3:3: error: 'A=B' is not a valid environment variable name"] },
        { "env expression", "on: push\nenv: ${{ fromJSON('{}') }}\njobs:\n" + Job, ["2:6: unsupported: an env map computed by an expression is not supported; list the variables"] },
        { "matrix at workflow level", "on: push\nenv:\n  A: ${{ matrix.os }}\njobs:\n" + Job, ["3:10: error: matrix is only available inside a job"] },
    };

    public static TheoryData<string, string, string[]> ForesightCases => new()
    {
        { "x-foresight list", "on: push\nx-foresight: [a]\njobs:\n" + Job, ["2:14: error: x-foresight must be a map, not a list"] },
        { "x-foresight unknown", "on: push\nx-foresight:\n  prio: 1\njobs:\n" + Job, ["3:3: error: unknown key 'prio' in x-foresight (expected one of: priority, cpu, memory, retries, pool, retry-exit-codes)"] },
        { "priority text", "on: push\nx-foresight:\n  priority: high\njobs:\n" + Job, ["3:13: error: x-foresight.priority must be a whole number (was 'high')"] },
        { "priority range", "on: push\nx-foresight:\n  priority: 5000\njobs:\n" + Job, ["3:13: error: x-foresight.priority must be between -1000 and 1000 (was 5000)"] },
        { "cpu text", "on: push\nx-foresight:\n  cpu: two\njobs:\n" + Job, ["3:8: error: x-foresight.cpu must be a number (was 'two')"] },
        { "cpu zero", "on: push\nx-foresight:\n  cpu: 0\njobs:\n" + Job, ["3:8: error: x-foresight.cpu must be more than 0 and at most 1024 cores (was '0')"] },
        { "memory unit", "on: push\nx-foresight:\n  memory: 2GB\njobs:\n" + Job, ["3:11: error: x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi (was '2GB')"] },
        { "memory list", "on: push\nx-foresight:\n  memory: [1]\njobs:\n" + Job, ["3:11: error: x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi, not a list"] },
        { "memory zero", "on: push\nx-foresight:\n  memory: 0\njobs:\n" + Job, ["3:11: error: x-foresight.memory must be between 1 MiB and 16 TiB (was '0')"] },
        { "retries range", "on: push\nx-foresight:\n  retries: -1\njobs:\n" + Job, ["3:12: error: x-foresight.retries must be between 0 and 99 (was -1)"] },
        { "pool slash", "on: push\nx-foresight:\n  pool: a/b\njobs:\n" + Job, ["3:9: error: x-foresight.pool must be a non-empty name without '/'"] },
        { "pool list", "on: push\nx-foresight:\n  pool: [a]\njobs:\n" + Job, ["3:9: error: x-foresight.pool must be a string, not a list"] },
        { "exit codes", "on: push\nx-foresight:\n  retry-exit-codes: 1\njobs:\n" + Job, ["3:21: error: x-foresight.retry-exit-codes must be a list of numbers, not a string"] },
        { "exit code range", "on: push\nx-foresight:\n  retry-exit-codes: [300]\njobs:\n" + Job, ["3:22: error: x-foresight.retry-exit-codes must be between 0 and 255 (was 300)"] },
    };

    public static TheoryData<string, string, string[]> JobCases => new()
    {
        { "bad job id", "on: push\njobs:\n  1st:\n    runs-on: linux\n    steps: [{ run: make }]\n", ["3:3: error: job id '1st' must start with a letter or _ and contain only letters, digits, - and _"] },
        { "job not a map", "on: push\njobs:\n  j: [a]\n", ["3:6: error: job 'j' must be a map, not a list"] },
        { "no runs-on", "on: push\njobs:\n  j:\n    steps: [{ run: make }]\n", ["3:3: error: job 'j' has no runs-on"] },
        { "no steps", "on: push\njobs:\n  j:\n    runs-on: linux\n", ["3:3: error: job 'j' has no steps"] },
        { "empty steps", "on: push\njobs:\n  j:\n    runs-on: linux\n    steps: []\n", ["5:5: error: job 'j' has no steps"] },
        { "unknown job key", "on: push\njobs:\n  j:\n    runs-on: linux\n    step: []\n    steps: [{ run: make }]\n", ["5:5: error: unknown key 'step' in job 'j' (expected one of: name, runs-on, needs, if, timeout-minutes, strategy, env, continue-on-error, steps, outputs, environment, permissions, defaults, x-foresight, uses, container, services, concurrency, snapshot, with, secrets)"] },
        { "job name list", "on: push\njobs:\n  j:\n    name: [a]\n    runs-on: linux\n    steps: [{ run: make }]\n", ["4:11: error: a job's name must be a string"] },
        { "reusable workflow", "on: push\njobs:\n  call:\n    uses: octo/repo/.github/workflows/ci.yml@main\n    with:\n      a: b\n    secrets: inherit\n", ["4:5: unsupported: job 'call' calls a reusable workflow (uses: octo/repo/.github/workflows/ci.yml@main), which is read from the repository's files: run it with foresight run, workflows check, a webhook of a configured repository, or POST /api/workflows as multipart/form-data with the called files"] },
        { "container", "on: push\njobs:\n  j:\n    runs-on: linux\n    container: node:20\n    steps: [{ run: make }]\n", ["5:5: unsupported: container jobs (jobs.<id>.container) are not supported: Foresight runs steps directly on the agent"] },
        { "services", "on: push\njobs:\n  j:\n    runs-on: linux\n    services:\n      db: { image: postgres }\n    steps: [{ run: make }]\n", ["5:5: unsupported: service containers (jobs.<id>.services) are not supported"] },
        { "job concurrency", "on: push\njobs:\n  j:\n    runs-on: linux\n    concurrency: x\n    steps: [{ run: make }]\n", ["5:5: unsupported: job-level concurrency is not supported; use the workflow's concurrency"] },
        { "snapshot", "on: push\njobs:\n  j:\n    runs-on: linux\n    snapshot: img\n    steps: [{ run: make }]\n", ["5:5: unsupported: custom image snapshots (jobs.<id>.snapshot) are not supported"] },
        { "with without uses", "on: push\njobs:\n  j:\n    runs-on: linux\n    with: {}\n    steps: [{ run: make }]\n", ["5:5: unsupported: jobs.<id>.with goes with uses: (a job that calls a reusable workflow), not with steps"] },
        { "secrets without uses", "on: push\njobs:\n  j:\n    runs-on: linux\n    secrets: inherit\n    steps: [{ run: make }]\n", ["5:5: unsupported: jobs.<id>.secrets goes with uses: (a job that calls a reusable workflow), not with steps"] },
        { "unknown need", "on: push\njobs:\n  j:\n    needs: [build]\n    runs-on: linux\n    steps: [{ run: make }]\n", ["4:13: error: job 'j' needs unknown job 'build'"] },
        { "needs map", "on: push\njobs:\n  j:\n    needs: {a: b}\n    runs-on: linux\n    steps: [{ run: make }]\n", ["4:12: error: needs must name jobs (a job id or a list of job ids), not a map"] },
        {
            "cycle",
            "on: push\njobs:\n  a:\n    needs: c\n    runs-on: linux\n    steps: [{ run: make }]\n  b:\n    needs: a\n    runs-on: linux\n    steps: [{ run: make }]\n  c:\n    needs: [b]\n    runs-on: linux\n    steps: [{ run: make }]\n",
            ["4:12: error: the needs of jobs form a cycle: a -> c -> b -> a"]
        },
        { "self need", "on: push\njobs:\n  a:\n    needs: a\n    runs-on: linux\n    steps: [{ run: make }]\n", ["4:12: error: the needs of jobs form a cycle: a -> a"] },
        { "runs-on null", "on: push\njobs:\n  j:\n    runs-on:\n    steps: [{ run: make }]\n", ["4:13: error: runs-on must be a label or a list of labels, not null"] },
        { "runs-on empty list", "on: push\njobs:\n  j:\n    runs-on: []\n    steps: [{ run: make }]\n", ["4:14: error: runs-on names no label"] },
        { "runs-on empty label", "on: push\njobs:\n  j:\n    runs-on: ''\n    steps: [{ run: make }]\n", ["4:14: error: a runs-on label must not be empty"] },
        { "runs-on label map", "on: push\njobs:\n  j:\n    runs-on: [linux, {a: b}]\n    steps: [{ run: make }]\n", ["4:22: error: a runs-on label must be a string, not a map"] },
        { "runs-on group", "on: push\njobs:\n  j:\n    runs-on:\n      group: big\n      labels: [linux]\n    steps: [{ run: make }]\n", ["5:7: unsupported: runner groups (runs-on.group) are not supported; use labels, or x-foresight.pool"] },
        { "runs-on map unknown", "on: push\njobs:\n  j:\n    runs-on:\n      label: linux\n    steps: [{ run: make }]\n", ["5:7: error: unknown key 'label' in runs-on (expected one of: labels, group)"] },
        { "timeout text", "on: push\njobs:\n  j:\n    runs-on: linux\n    timeout-minutes: abc\n    steps: [{ run: make }]\n", ["5:22: error: timeout-minutes must be a number (was 'abc')"] },
        { "timeout quoted", "on: push\njobs:\n  j:\n    runs-on: linux\n    timeout-minutes: '10'\n    steps: [{ run: make }]\n", ["5:22: error: timeout-minutes must be a number (was '10')"] },
        { "timeout zero", "on: push\njobs:\n  j:\n    runs-on: linux\n    timeout-minutes: 0\n    steps: [{ run: make }]\n", ["5:22: error: timeout-minutes must be more than 0 (was '0')"] },
        { "timeout expression", "on: push\njobs:\n  j:\n    runs-on: linux\n    timeout-minutes: ${{ matrix.t }}\n    steps: [{ run: make }]\n", ["5:22: unsupported: an expression in timeout-minutes is not supported; write a number"] },
        { "continue-on-error text", "on: push\njobs:\n  j:\n    runs-on: linux\n    continue-on-error: sometimes\n    steps: [{ run: make }]\n", ["5:24: error: continue-on-error must be true or false (was 'sometimes')"] },
        { "if list", "on: push\njobs:\n  j:\n    if: [a]\n    runs-on: linux\n    steps: [{ run: make }]\n", ["4:9: error: if must be an expression, not a list"] },
    };

    public static TheoryData<string, string, string[]> StrategyCases => new()
    {
        { "strategy list", Strategy("[a]"), ["5:15: error: strategy must be a map, not a list"] },
        { "strategy unknown", Strategy("\n      parallel: 2\n      matrix: { a: [1] }"), ["6:7: error: unknown key 'parallel' in strategy (expected one of: matrix, fail-fast, max-parallel)"] },
        { "fail-fast text", Strategy("\n      fail-fast: never\n      matrix: { a: [1] }"), ["6:18: error: fail-fast must be true or false (was 'never')"] },
        { "fail-fast expression", Strategy("\n      fail-fast: ${{ github.ref == 'x' }}\n      matrix: { a: [1] }"), ["6:18: unsupported: an expression in fail-fast is not supported; write true or false"] },
        { "max-parallel zero", Strategy("\n      max-parallel: 0\n      matrix: { a: [1] }"), ["6:21: error: max-parallel must be between 1 and 256 (was 0)"] },
        { "max-parallel expression", Strategy("\n      max-parallel: ${{ inputs.n }}\n      matrix: { a: [1] }"), ["6:21: unsupported: an expression in max-parallel is not supported; write a number"] },
        { "matrix over steps", Strategy("\n      matrix: ${{ fromJSON(steps.a.outputs.m) }}"), ["6:18: error: a matrix may only use the github, needs, vars and inputs contexts (as on GitHub)"] },
        { "axis over env", Strategy("\n      matrix:\n        os: [linux, '${{ env.OS }}']"), ["7:25: error: a matrix may only use the github, needs, vars and inputs contexts (as on GitHub)"] },
        { "matrix list", Strategy("\n      matrix: [a]"), ["6:15: error: matrix must be a map of axes, not a list"] },
        { "matrix empty", Strategy("\n      matrix: {}"), ["6:15: error: the matrix of job 'j' is empty"] },
        { "axis scalar", Strategy("\n      matrix:\n        os: linux"), ["7:13: error: matrix axis 'os' must be a list of values, not a string"] },
        { "axis empty", Strategy("\n      matrix:\n        os: []"), ["7:13: error: matrix axis 'os' has no values"] },
        { "include scalar", Strategy("\n      matrix:\n        os: [a]\n        include: x"), ["8:18: error: matrix include must be a list of maps, not a string"] },
        { "include entry", Strategy("\n      matrix:\n        os: [a]\n        include: [x]"), ["8:19: error: each matrix include entry must be a non-empty map of values, not a string"] },
        { "exclude unknown key", Strategy("\n      matrix:\n        os: [a]\n        exclude:\n          - arch: x"), ["9:13: error: matrix exclude key 'arch' is not an axis of the matrix"] },
        { "everything excluded", Strategy("\n      matrix:\n        os: [a, b]\n        exclude: [{ os: a }, { os: b }]"), ["7:9: error: job 'j': the matrix expands to no jobs (every combination is excluded)"] },
        { "more than 256", Strategy("\n      matrix:\n        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]"), ["7:9: error: job 'j': the matrix expands to 272 jobs; GitHub allows at most 256"] },
        { "huge product", Strategy("\n      matrix:\n        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n        c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n        d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]"), ["7:9: error: job 'j': the matrix has more than 65,536 combinations before exclude; GitHub allows at most 256 jobs"] },
    };

    public static TheoryData<string, string, string[]> StepCases => new()
    {
        { "steps map", Steps("{a: b}"), ["5:12: error: steps of job 'j' must be a list, not a map"] },
        { "step scalar", Steps("\n      - make"), ["6:9: error: a step must be a map with run (and name, env, …), not a string"] },
        { "step without run", Steps("\n      - name: x"), ["6:9: error: a step needs run or uses"] },
        { "docker action", Steps("\n      - uses: docker://alpine:3"), ["6:9: unsupported: container action steps are not supported (uses: docker://alpine:3): Foresight runs steps directly on the agent; run the tool with a run step"] },
        { "uses and run", Steps("\n      - uses: actions/setup-go@v5\n        run: make"), ["7:9: error: a step cannot have both uses and run"] },
        { "run list", Steps("\n      - run: [a]"), ["6:14: error: run must be a script (a string), not a list"] },
        { "run null", Steps("\n      - run:"), ["6:13: error: run must be a script (a string), not null"] },
        { "step name map", Steps("\n      - run: make\n        name: {a: b}"), ["7:15: error: a step's name must be a string"] },
        { "step with", Steps("\n      - run: make\n        with: {a: b}"), ["7:9: error: with only goes with uses"] },
        { "step unknown key", Steps("\n      - run: make\n        cwd: x"), ["7:9: error: unknown key 'cwd' in a step (expected one of: id, if, name, run, working-directory, shell, env, continue-on-error, timeout-minutes, uses, with)"] },
        { "step id map", Steps("\n      - run: make\n        id: {a: b}"), ["7:13: error: a step's id must be a string, not a map"] },
        { "step wd list", Steps("\n      - run: make\n        working-directory: [a]"), ["7:28: error: working-directory must be a string"] },
        { "shell windows", Steps("\n      - run: dir\n        shell: cmd"), ["7:16: unsupported: the Windows shell 'cmd' is not supported; use bash, sh, pwsh, python or a command with {0}"] },
        { "shell unknown", Steps("\n      - run: x\n        shell: zsh"), ["7:16: error: unknown shell 'zsh': use bash, sh, pwsh, python, or a command template containing {0}"] },
        { "step timeout", Steps("\n      - run: x\n        timeout-minutes: -5"), ["7:26: error: timeout-minutes must be more than 0 (was '-5')"] },
        { "step continue", Steps("\n      - run: x\n        continue-on-error: 1"), ["7:28: error: continue-on-error must be true or false (was '1')"] },
    };

    public static TheoryData<string, string, string[]> ExpressionCases => new()
    {
        { "github.sha.x", Run("echo ${{ github.sha.x }}"), ["6:24: error: github.sha is a string and has no properties"] },
        { "unknown function", Run("echo ${{ lower('A') }}"), ["6:24: error: unknown function lower()"] },
        { "status outside if", Run("echo ${{ success() }}"), ["6:24: error: success() can only be used in an if"] },
        { "contains arity", Run("echo ${{ contains('a') }}"), ["6:24: error: contains() takes two arguments"] },
        { "format arity", Run("echo ${{ format() }}"), ["6:24: error: format() needs at least a format string"] },
        { "unknown named value", Run("echo ${{ foo.bar }}"), ["6:24: error: invalid expression: unrecognized named value 'foo' (GitHub knows github, env, vars, job, jobs, steps, runner, secrets, strategy, matrix, needs, inputs)"] },
        { "not closed", Run("echo ${{ github.sha"), ["6:20: error: invalid expression: an expression opened with ${{ is not closed with }}"] },
        { "empty expression", Run("echo ${{ }}"), ["6:23: error: invalid expression: the expression is empty"] },
        { "unexpected token", Run("echo ${{ github.sha github.ref }}"), ["6:35: error: invalid expression: unexpected 'github'"] },
        { "missing paren", Run("echo ${{ (github.sha }}"), ["6:36: error: invalid expression: expected ')' before the end"] },
        { "dot then nothing", Run("echo ${{ github. }}"), ["6:32: error: invalid expression: expected a property name after '.'"] },
        { "ends early", Run("echo ${{ github.sha == }}"), ["6:38: error: invalid expression: the expression ends too early"] },
        { "string not closed", Run("echo ${{ 'abc }}"), ["6:20: error: invalid expression: an expression opened with ${{ is not closed with }}"] },
        { "double quotes", Run("echo ${{ \\\"a\\\" }}"), ["6:24: error: invalid expression: strings are written in single quotes in expressions"] },
        { "bad character", Run("echo ${{ a ; b }}"), ["6:26: error: invalid expression: unexpected character ';'"] },
        { "bad char after value", Run("echo ${{ github.sha ; 1 }}"), ["6:35: error: invalid expression: unexpected character ';'"] },
        { "bad number", Run("echo ${{ 1.2.3 }}"), ["6:24: error: invalid expression: '1.2.3' is not a number"] },
        { "deep nesting", Run("echo ${{ " + new string('(', 60) + "1" + new string(')', 60) + " }}"), ["6:74: error: invalid expression: the expression nests deeper than 50 levels"] },
        { "status args", If("success(1)"), ["4:9: error: success() takes no arguments"] },
        { "status in comparison", If("failure() == true"), ["4:9: unsupported: failure() is supported only combined with !, && and || (not inside a comparison or a function call)"] },
        { "if mixing text", If("${{ github.ref }} == 'x'"), ["4:9: unsupported: an if that mixes ${{ }} with other text is always true on GitHub; write the whole condition inside one ${{ }} or without it"] },
        { "if syntax", If("github.ref =="), ["4:22: error: invalid expression: the expression ends too early"] },
        { "if template syntax", If("${{ github.ref == }}"), ["4:27: error: invalid expression: the expression ends too early"] },
    };

    /// <summary>GitHub syntax that used to be refused and now runs: actions, every context, step status functions, outputs, other triggers.</summary>
    public static TheoryData<string, string> AcceptedCases => new()
    {
        { "only schedule", "on:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n" + Job },
        { "only workflow_call", "on: workflow_call\njobs:\n" + Job },
        { "outputs", "on: push\njobs:\n  j:\n    runs-on: linux\n    outputs:\n      a: b\n    steps: [{ run: make }]\n" },
        { "environment", "on: push\njobs:\n  j:\n    runs-on: linux\n    environment: prod\n    steps: [{ run: make }]\n" },
        { "checkout", Steps("\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0") },
        { "action", Steps("\n      - uses: actions/setup-go@v5") },
        { "local action", Steps("\n      - uses: ./.github/actions/setup") },
        { "step if always", Steps("\n      - run: x\n        if: always()") },
        { "step if failure", Steps("\n      - run: x\n        if: ${{ failure() && github.ref == 'x' }}") },
        { "secrets", Run("echo ${{ secrets.TOKEN }}") },
        { "github.event", Run("echo ${{ github.event.pull_request.number }}") },
        { "github.token", Run("echo ${{ github.token }}") },
        { "github.workspace", Run("cd ${{ github.workspace }}") },
        { "github whole", Run("echo ${{ toJSON(github) }}") },
        { "github bare", Run("echo ${{ github }}") },
        { "steps context", Run("echo ${{ steps.build.outputs.v }}") },
        { "needs context", Run("echo ${{ needs.a.result }}") },
        { "runner context", Run("echo ${{ runner.os }}") },
        { "vars context", Run("echo ${{ vars.X }}") },
        { "strategy context", Run("echo ${{ strategy.job-index }}") },
        { "hashFiles", Run("echo ${{ hashFiles('**/go.sum') }}") },
        { "if needs", If("needs.a.result == 'failure'") },
        { "if contains needs", If("${{ contains(needs.*.result, 'failure') }}") },
        { "matrix from needs", Strategy("\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}") },
        { "axis from inputs", Strategy("\n      matrix:\n        os: ${{ fromJSON(inputs.os) }}") },
        { "value from github", Strategy("\n      matrix:\n        os: [linux, '${{ github.event.os }}']") },
        { "include from needs", Strategy("\n      matrix:\n        os: [a]\n        include: ${{ fromJSON(needs.a.outputs.x) }}") },
    };

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public void Syntax_the_agent_runs_is_accepted(string name, string yaml)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yml");

        Assert.True(result.Diagnostics.Count == 0, $"{name}: {string.Join("; ", result.Diagnostics)}");
        Assert.NotNull(result.Definition);
    }

    [Theory]
    [MemberData(nameof(YamlCases))]
    [MemberData(nameof(WorkflowCases))]
    [MemberData(nameof(ForesightCases))]
    [MemberData(nameof(JobCases))]
    [MemberData(nameof(StrategyCases))]
    [MemberData(nameof(StepCases))]
    [MemberData(nameof(ExpressionCases))]
    public void Each_problem_is_reported_with_its_line_and_column(string name, string yaml, string[] expected)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yml");

        Assert.Null(result.Definition);
        Assert.True(
            expected.SequenceEqual(result.Diagnostics.Select(d => $"{d.Line}:{d.Column}: {d.Kind}: {d.Message}")),
            $"{name}: expected\n  {string.Join("\n  ", expected)}\nbut got\n  {string.Join("\n  ", result.Diagnostics.Select(d => $"{d.Line}:{d.Column}: {d.Kind}: {d.Message}"))}");
        Assert.All(result.Diagnostics, d => Assert.Equal("wf.yml", d.Source));
        Assert.All(result.Diagnostics.Where(d => d.Kind == WorkflowDiagnostic.Unsupported), d => Assert.False(string.IsNullOrEmpty(d.Feature)));
    }

    [Fact]
    public void Diagnostics_print_as_file_line_column_kind_message()
    {
        var diagnostic = WorkflowParser.Parse("on: push\njobs:\n  j:\n    runs-on: linux\n    timeout-minutes: abc\n    steps: [{ run: make }]\n", "ci.yml").Diagnostics.Single();

        Assert.Equal("ci.yml:5:22: error: timeout-minutes must be a number (was 'abc')", diagnostic.ToString());
    }

    [Fact]
    public void A_file_gets_every_problem_at_once_sorted_by_position()
    {
        var result = WorkflowParser.Parse(
            """
            on: push
            jobs:
              build:
                runs-on: linux
                container: golang
                steps:
                  - uses: actions/checkout@v4
                  - run: go build -ldflags ${{ secrets.KEY }}
                  - run: make
                    timeout-minutes: soon
              test:
                needs: biuld
                runs-on: linux
                steps: [{ run: go test }]
            """,
            "ci.yml");

        Assert.Equal(
            ["5:5 unsupported jobs.<id>.container", "10:26 error ", "12:12 error "],
            result.Diagnostics.Select(d => $"{d.Line}:{d.Column} {d.Kind} {d.Feature}"));
    }

    [Fact]
    public void Every_declared_trigger_is_kept_and_only_push_and_pull_request_filter_refs()
    {
        var result = WorkflowParser.Parse(
            """
            on:
              push:
              schedule:
                - cron: '0 3 * * *'
              workflow_call:
            jobs:
              j:
                runs-on: linux
                steps: [{ run: make }]
            """,
            "ci.yml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["push", "schedule", "workflow_call"], result.Definition!.EventNames);
        Assert.True(result.Definition.IsTriggeredBy("schedule", null));
        Assert.False(result.Definition.IsTriggeredBy("pull_request", "main"));
    }

    [Fact]
    public void Strategy_without_matrix_and_unknown_input_types_are_accepted_as_github_runs_them()
    {
        var result = WorkflowParser.Parse(
            """
            on:
              workflow_dispatch:
                inputs:
                  hours:
                    type: int
                    default: 2
            jobs:
              j:
                runs-on: linux
                strategy:
                  fail-fast: false
                steps: [{ run: 'sleep ${{ inputs.hours }}' }]
            """,
            "ci.yml");

        Assert.Empty(result.Diagnostics);
        Assert.Equal("sleep 2", WorkflowExpander.Expand(result.Definition!, new WorkflowTrigger("workflow_dispatch")).Jobs[0].Steps[0].Run);
    }

    [Fact]
    public void A_file_larger_than_the_limit_is_refused_without_reading_it()
    {
        var result = WorkflowParser.Parse(new string('#', WorkflowParser.MaxChars + 1), "big.yml");

        Assert.Equal("1:1: error: the file is larger than 1024 KiB", $"{result.Diagnostics.Single().Line}:{result.Diagnostics.Single().Column}: {result.Diagnostics.Single().Kind}: {result.Diagnostics.Single().Message}");
    }

    private static string Strategy(string strategy) =>
        $"on: push\njobs:\n  j:\n    runs-on: linux\n    strategy: {strategy}\n    steps: [{{ run: make }}]\n";

    private static string Steps(string steps) => $"on: push\njobs:\n  j:\n    runs-on: linux\n    steps: {steps}\n";

    private static string Run(string run) => $"on: push\njobs:\n  j:\n    runs-on: linux\n    steps:\n      - run: \"{run}\"\n";

    private static string If(string condition) => $"on: push\njobs:\n  j:\n    if: {condition}\n    runs-on: linux\n    steps: [{{ run: make }}]\n";
}
