using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Local composite actions (<c>uses: ./path</c>): expanded into the job's steps before parsing.</summary>
public sealed class CompositeActionTests
{
    private const string Greet = """
        name: greet
        inputs:
          who:
            default: you
          greeting:
            default: hello
        runs:
          using: composite
          steps:
            - name: write
              shell: bash
              env:
                MESSAGE: ${{ inputs.greeting }}, ${{ inputs.who }}
              run: echo "$MESSAGE" > greeting.txt
            - shell: bash
              run: |
                cat greeting.txt
                test "$(cat greeting.txt)" = "${{ inputs.greeting }}, ${{ inputs.who }}"
        """;

    private static Func<string, string?> Files(params (string Path, string Text)[] files) =>
        path => files.FirstOrDefault(f => f.Path == path).Text;

    private static string Workflow(string steps) => $"""
        name: ci
        on: push
        jobs:
          greet:
            runs-on: linux
            strategy:
              matrix:
                who: [world, "it's me"]
            steps:
        {steps}
        """;

    [Fact]
    public void A_local_composite_action_becomes_the_jobs_steps_with_its_inputs_from_with_or_defaults()
    {
        var yaml = Workflow("""
                  - name: greet
                    uses: ./.github/actions/greet
                    with:
                      who: ${{ matrix.who }}
                    env:
                      OUTER: outer
                  - uses: ./.github/actions/greet
                    with:
                      greeting: hi {there}
                  - run: echo done
            """);

        var expansion = CompositeActions.Expand(yaml, Files((".github/actions/greet/action.yml", Greet)));

        Assert.Empty(expansion.Errors);
        Assert.Equal(2, expansion.Expanded);
        var run = WorkflowParserTests.Expand(expansion.Yaml);
        var job = Assert.Single(run.Jobs, j => j.Key == "greet (it's me)");
        Assert.Equal(
            ["greet / write", "greet / Run cat greeting.txt", "./.github/actions/greet / write", "./.github/actions/greet / Run cat greeting.txt", "Run echo done"],
            job.Steps.Select(s => s.Name));
        Assert.Equal("hello, it's me", job.Steps[0].Env["MESSAGE"]);
        Assert.Equal("outer", job.Steps[0].Env["OUTER"]);
        Assert.Equal("bash", job.Steps[0].Shell);
        Assert.Contains("test \"$(cat greeting.txt)\" = \"hello, it's me\"", job.Steps[1].Run, StringComparison.Ordinal);
        Assert.Equal("hi {there}, you", job.Steps[2].Env["MESSAGE"]);
        Assert.False(job.Steps[2].Env.ContainsKey("OUTER"));
    }

    [Fact]
    public void A_composite_action_may_use_another_and_the_calling_steps_if_applies_to_each_step()
    {
        const string outer = """
            inputs:
              name:
                required: true
            runs:
              using: composite
              steps:
                - name: inner
                  uses: ./actions/greet
                  with:
                    who: dear ${{ inputs.name }}
            """;
        var yaml = Workflow("""
                  - name: twice
                    if: github.ref == 'refs/heads/main'
                    uses: ./actions/outer
                    with:
                      name: ${{ matrix.who }}
            """);

        var expansion = CompositeActions.Expand(yaml, Files(("actions/outer/action.yaml", outer), ("actions/greet/action.yml", Greet)));

        Assert.Empty(expansion.Errors);
        Assert.Equal(2, expansion.Expanded);
        var job = WorkflowParserTests.Expand(expansion.Yaml).Jobs.Single(j => j.Key == "greet (world)");
        Assert.Equal(["twice / inner / write", "twice / inner / Run cat greeting.txt"], job.Steps.Select(s => s.Name));
        Assert.Equal("hello, dear world", job.Steps[0].Env["MESSAGE"]);
        Assert.Contains("github.ref == 'refs/heads/main'", expansion.Yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("./missing", "", "no action.yml or action.yaml in 'missing'")]
    [InlineData("./node", "runs:\n  using: node20\n  main: index.js\n", "runs.using: node20; only composite local actions are supported")]
    [InlineData("./node", "inputs:\n  who:\n    required: true\nruns:\n  using: composite\n  steps:\n    - run: echo\n", "input 'who' of node/action.yml is required")]
    [InlineData("./node", "runs:\n  using: composite\n  steps:\n    - run: echo ${{ inputs.nope }}\n", "inputs.nope is not an input of the action")]
    [InlineData("./node", "outputs:\n  x:\n    value: 1\nruns:\n  using: composite\n  steps:\n    - run: echo\n", "outputs of composite actions are not supported")]
    public void What_cannot_be_expanded_is_an_error_naming_the_step_and_the_path(string uses, string action, string expected)
    {
        var yaml = Workflow($"""
                  - uses: {uses}
            """);

        var expansion = CompositeActions.Expand(yaml, Files(("node/action.yml", action)));

        var error = Assert.Single(expansion.Errors);
        Assert.Contains($"job 'greet', step 1 (uses: {uses})", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(yaml, expansion.Yaml);
    }

    [Fact]
    public void A_workflow_without_local_actions_is_left_as_it_is()
    {
        var yaml = Workflow("      - run: echo ${{ matrix.who }}");

        var expansion = CompositeActions.Expand(yaml, _ => throw new InvalidOperationException("no file is read"));

        Assert.Same(yaml, expansion.Yaml);
        Assert.Equal(0, expansion.Expanded);
    }

    [Fact]
    public void The_repository_examples_composite_workflow_expands_and_parses()
    {
        var root = Foresight.Testing.RepositoryRoot.Path;
        var yaml = File.ReadAllText(Path.Combine(root, "examples", "composite.yml"));

        var expansion = CompositeActions.Expand(yaml, CompositeActions.FileReader(root));

        Assert.Empty(expansion.Errors);
        var run = WorkflowParserTests.Expand(expansion.Yaml);
        Assert.Equal(2, run.Jobs.Count);
        Assert.All(run.Jobs, j => Assert.StartsWith("greet / write", j.Steps[0].Name, StringComparison.Ordinal));
    }
}
