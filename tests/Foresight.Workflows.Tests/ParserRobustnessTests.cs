using System.Text;
using CsCheck;
using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Whatever the input, the parser answers with diagnostics: never an exception, a hang or a blow-up.</summary>
public sealed class ParserRobustnessTests
{
    private static readonly string[] Seeds =
    [
        """
        name: CI
        on:
          push:
            branches: [main, 'release/**']
          pull_request:
          workflow_dispatch:
            inputs:
              level: { default: info }
        env:
          A: a-${{ github.sha }}
        concurrency:
          group: ci-${{ github.ref }}
          cancel-in-progress: ${{ github.event_name == 'pull_request' }}
        jobs:
          build:
            runs-on: [linux, '${{ matrix.os }}']
            timeout-minutes: 10
            strategy:
              fail-fast: false
              max-parallel: 2
              matrix:
                os: [a, b]
                v: [1, 2]
                include:
                  - os: c
                exclude:
                  - os: a
                    v: 2
            x-foresight: { cpu: 2, memory: 1Gi, retries: 1, pool: shell, priority: 3 }
            steps:
              - name: Build ${{ matrix.os }}
                run: |
                  echo "${{ env.A }} ${{ inputs.level }}"
                  make
                env: { B: b }
                shell: bash
                working-directory: src
                continue-on-error: ${{ matrix.v == 2 }}
                timeout-minutes: 5
              - if: matrix.os != 'c'
                run: make test
          deploy:
            needs: [build]
            if: ${{ always() && !cancelled() }}
            runs-on: linux
            steps:
              - run: ./deploy.sh
        """,
        """
        on: [push]
        jobs:
          a: { runs-on: linux, steps: [{ run: 'true' }] }
          b: { needs: a, runs-on: linux, if: failure(), steps: [{ run: 'false', continue-on-error: true }] }
          c: { needs: [a, b], runs-on: [x], steps: [{ run: "echo ${{ github.actor }}" }] }
        """,
        """
        {"on": "push", "jobs": {"j": {"runs-on": "linux", "steps": [{"run": "make"}], "strategy": {"matrix": {"include": [{"x": 1}, {"x": 2}]}}}}}
        """,
    ];

    private static readonly string[] Fragments =
    [
        "${{", "}}", "${{ matrix.os }}", "${{ secrets.X }}", "${{ (((", "'", "\"", ":", ": ", "- ", "\n", "\n  ", "\t", "&a ", "*a", "[", "]", "{", "}",
        "? ", "!!str ", "|", ">-", "#", "---\n", "needs: build", "uses: actions/checkout@v4", "if: always()", "runs-on:", "\u0000", "\uFFFD", "\uD800",
        "matrix:", "include:", "exclude:", "x-foresight:", "timeout-minutes: abc", "<<: *a", "%YAML 1.2\n", "steps:", "jobs:", "on:", "\r\n", " ", "é", "🙂",
    ];

    [Fact]
    public void Random_mutations_of_valid_workflows_never_throw_and_every_answer_is_consistent()
    {
        var edit = Gen.Select(Gen.Int[0, 6], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, Fragments.Length - 1]);
        Gen.Select(Gen.Int[0, Seeds.Length - 1], edit.Array[1, 8])
            .Sample(
                (seed, edits) =>
                {
                    var text = edits.Aggregate(Seeds[seed], (t, e) => Mutate(t, e.Item1, e.Item2, e.Item3, Fragments[e.Item4]));
                    CheckAnswer(text);
                },
                iter: 3000,
                threads: 1);
    }

    [Fact]
    public void Random_text_never_throws()
    {
        Gen.String[Gen.Char["ab :-[]{}$'\"\n\t#&*!|>?%@`,"], 0, 200].Sample(CheckAnswer, iter: 3000, threads: 1);
    }

    [Fact]
    public void The_valid_seeds_parse_and_expand()
    {
        foreach (var seed in Seeds)
        {
            var result = WorkflowParser.Parse(seed, "seed.yml");
            Assert.True(result.Definition is not null, string.Join("\n", result.Diagnostics));
            Assert.NotEmpty(WorkflowExpander.Expand(result.Definition!, new WorkflowTrigger("push")).Jobs);
        }
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_expands()
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append(CultureInvariant($"a{i}: &a{i} [")).Append(string.Join(", ", Enumerable.Repeat(CultureInvariant($"*a{i - 1}"), 10))).Append("]\n");
        }

        sb.Append("on: push\njobs:\n  j:\n    runs-on: linux\n    strategy:\n      matrix:\n        v: *a9\n    steps: [{ run: make }]\n");

        var result = WorkflowParser.Parse(sb.ToString(), "bomb.yml");

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("error", error.Kind);
        Assert.Equal("this node expands to more than 1,000,000 nodes through YAML aliases", error.Message);
        Assert.Equal((6, 5), (error.Line, error.Column)); // a5 is the first to stand for more than a million nodes
    }

    [Fact]
    public void Aliases_within_the_budget_are_followed()
    {
        var run = WorkflowParserTests.Expand("""
            on: push
            x-env: &shared
              A: one
            jobs:
              a:
                runs-on: linux
                env: *shared
                steps: [{ run: echo $A }]
            """.Replace("x-env: &shared\n  A: one\n", "env: &shared\n  A: one\n", StringComparison.Ordinal));

        Assert.Equal("one", run.Jobs[0].Env["A"]);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var deepFlow = "on: push\njobs: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var flow = WorkflowParser.Parse(deepFlow, "deep.yml").Diagnostics.Single();
        Assert.Equal("2:70: error: lists and maps are nested more than 64 deep", $"{flow.Line}:{flow.Column}: {flow.Kind}: {flow.Message}");

        var block = new StringBuilder("on: push\njobs:\n");
        for (var i = 0; i < 200; i++)
        {
            block.Append(new string(' ', 2 * (i + 1))).Append(CultureInvariant($"k{i}:\n"));
        }

        var nested = WorkflowParser.Parse(block.ToString(), "deep.yml").Diagnostics.Single();
        Assert.Equal("lists and maps are nested more than 64 deep", nested.Message);

        var deepExpression = "on: push\njobs:\n  j:\n    runs-on: linux\n    if: \"" + new string('!', 60) + "true\"\n    steps: [{ run: make }]\n";
        var expression = WorkflowParser.Parse(deepExpression, "deep.yml").Diagnostics.Single();
        Assert.Equal("5:60: error: invalid expression: the expression nests deeper than 50 levels", $"{expression.Line}:{expression.Column}: {expression.Kind}: {expression.Message}");
    }

    [Fact]
    public void Oversized_expressions_and_documents_are_refused()
    {
        var tokens = "on: push\njobs:\n  j:\n    runs-on: linux\n    steps: [{ run: \"${{ " + string.Join(" || ", Enumerable.Repeat("github.sha", 400)) + " }}\" }]\n";
        Assert.Equal("invalid expression: the expression has more than 1,000 tokens", WorkflowParser.Parse(tokens, "t.yml").Diagnostics.Single().Message);

        var longText = "on: push\njobs:\n  j:\n    runs-on: linux\n    steps: [{ run: \"${{ '" + new string('x', 30_000) + "' }}\" }]\n";
        Assert.Equal("invalid expression: the expression is longer than 20,000 characters", WorkflowParser.Parse(longText, "t.yml").Diagnostics.Single().Message);

        var many = new StringBuilder("on: push\nx: [");
        many.Append(string.Join(",", Enumerable.Repeat("1", 210_000))).Append("]\n");
        var events = WorkflowParser.Parse(many.ToString(), "many.yml").Diagnostics.Single();
        Assert.Equal("the file has more than 200,000 YAML nodes", events.Message);
    }

    [Fact]
    public void Text_decoded_from_invalid_utf8_and_control_characters_is_an_answer_not_a_crash()
    {
        var bytes = "on: push\njobs:\n  j:\n    runs-on: \u00ff\n"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, 0xA0, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0x0A }).ToArray();
        var decoded = Encoding.UTF8.GetString(bytes);

        var result = WorkflowParser.Parse(decoded, "bad.yml");

        Assert.Null(result.Definition);
        Assert.NotEmpty(result.Diagnostics);
        CheckAnswer("on: \"\\ud800\"\njobs: {}\n");
        CheckAnswer("on: push\u0000\njobs:\n");
        CheckAnswer("\uFEFF\uFEFFon: push");
    }

    [Fact]
    public void Every_real_workflow_file_gets_an_answer()
    {
        var folder = SharedData.Folder("data/workflows");
        if (folder is null)
        {
            return; // outside CI without the shared data: SharedData.Folder fails the test when CI=true
        }

        var files = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var result = WorkflowParser.Parse(File.ReadAllText(file), Path.GetFileName(file));
            Assert.True(result.Definition is not null || result.Diagnostics.Count > 0, file);
            Assert.All(result.Diagnostics, d => Assert.True(d.Line >= 1 && d.Column >= 1, d.ToString()));
        }
    }

    private static void CheckAnswer(string text)
    {
        var result = WorkflowParser.Parse(text, "m.yml");
        Assert.Equal(result.Definition is null, result.Diagnostics.Count > 0);
        var lines = text.Count(c => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029') + 2; // YAML's line breaks
        Assert.All(result.Diagnostics, d =>
        {
            Assert.InRange(d.Line, 1, lines);
            Assert.True(d.Column >= 1);
            Assert.Contains(d.Kind, new[] { "error", "unsupported" });
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
        });
        if (result.Definition is { } definition)
        {
            foreach (var trigger in new[] { new WorkflowTrigger("push", "o/r", "refs/heads/main", "s", "a"), new WorkflowTrigger("pull_request") })
            {
                var run = WorkflowExpander.Expand(definition, trigger, "r");
                var keys = run.Jobs.Select(j => j.Key).ToList();
                Assert.Equal(keys.Count, keys.Distinct().Count());
                Assert.All(run.Jobs, j => Assert.All(j.Needs, n => Assert.Contains(n, keys)));
                _ = definition.IsTriggeredBy(trigger.Event, trigger.Ref);
            }
        }
    }

    private static string Mutate(string text, int kind, int a, int b, string fragment)
    {
        if (text.Length == 0)
        {
            return fragment;
        }

        var at = a % text.Length;
        var lines = text.Split('\n').ToList();
        switch (kind)
        {
            case 0:
                return text.Remove(at, Math.Min(1 + (b % 20), text.Length - at));
            case 1:
                return text.Insert(at, fragment);
            case 2:
                var line = a % lines.Count;
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case 3:
                var (i, j) = (a % lines.Count, b % lines.Count);
                (lines[i], lines[j]) = (lines[j], lines[i]);
                return string.Join('\n', lines);
            case 4:
                var k = a % lines.Count;
                lines[k] = new string(' ', b % 7) + lines[k].TrimStart();
                return string.Join('\n', lines);
            case 5:
                return text.Remove(at, 1).Insert(at, ((char)(b % 0x3000)).ToString());
            default:
                return text[..at] + text[(b % text.Length)..];
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
