using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>A boolean key that may also be an expression (<c>continue-on-error: ${{ matrix.experimental }}</c>).</summary>
internal sealed record BoolSetting(bool Constant, Template? Expression = null)
{
    public static readonly BoolSetting False = new(false);

    public bool Evaluate(EvalContext context) => Expression?.Evaluate(context).IsTruthy ?? Constant;
}

/// <summary><c>defaults.run</c>.</summary>
internal sealed record RunDefaults(string? Shell, Template? WorkingDirectory)
{
    public static readonly RunDefaults None = new(null, null);

    public RunDefaults Over(RunDefaults outer) => new(Shell ?? outer.Shell, WorkingDirectory ?? outer.WorkingDirectory);
}

/// <summary>The <c>x-foresight</c> keys; a job's override the workflow's.</summary>
internal sealed record ForesightSettings(int? Priority, double? Cpu, long? MemoryMb, int? Retries, string? Pool, IReadOnlyList<int>? RetryExitCodes)
{
    public static readonly ForesightSettings None = new(null, null, null, null, null, null);

    public ForesightSettings Over(ForesightSettings outer) => new(
        Priority ?? outer.Priority,
        Cpu ?? outer.Cpu,
        MemoryMb ?? outer.MemoryMb,
        Retries ?? outer.Retries,
        Pool ?? outer.Pool,
        RetryExitCodes ?? outer.RetryExitCodes);
}

/// <summary>An environment variable whose value may hold expressions.</summary>
internal sealed record EnvEntry(string Name, Template Value);

/// <summary>A <c>workflow_dispatch</c> input.</summary>
internal sealed record DispatchInput(string Name, string Type, string? Default, bool Required);

/// <summary>One step of a job definition.</summary>
internal sealed record StepDefinition(
    int Index,
    Template? Name,
    Template Run,
    IReadOnlyList<EnvEntry> Env,
    string? Shell,
    Template? WorkingDirectory,
    BoolSetting ContinueOnError,
    double? TimeoutMinutes,
    Expr? If)
{
    /// <summary>The step's <c>id</c>.</summary>
    public string? Id { get; init; }

    /// <summary>The action the step runs, as written (<c>./path</c>, <c>owner/repo/path@ref</c>).</summary>
    public string? Uses { get; init; }

    /// <summary>The action's inputs.</summary>
    public IReadOnlyList<EnvEntry> With { get; init; } = [];
}

/// <summary>One job of a workflow definition, its matrix already expanded into combinations (null = no matrix).</summary>
internal sealed record JobDefinition(
    string Id,
    Template? Name,
    IReadOnlyList<Template> RunsOn,
    IReadOnlyList<string> Needs,
    Expr? If,
    double? TimeoutMinutes,
    IReadOnlyList<IReadOnlyList<KeyValuePair<string, ExprValue>>>? Matrix,
    bool FailFast,
    int? MaxParallel,
    IReadOnlyList<EnvEntry> Env,
    BoolSetting ContinueOnError,
    IReadOnlyList<StepDefinition> Steps,
    RunDefaults Defaults,
    ForesightSettings Foresight)
{
    /// <summary><c>outputs:</c>, evaluated by the agent when the job ends.</summary>
    public IReadOnlyList<EnvEntry> Outputs { get; init; } = [];

    /// <summary><c>strategy.matrix</c> as written when it is computed by expressions over contexts (then <see cref="Matrix"/>
    /// is null): the run expands it once the job's needs have ended.</summary>
    public YNode? MatrixTemplate { get; init; }

    /// <summary>Set when the job calls a reusable workflow (<c>uses: ./.github/workflows/x.yml</c>) instead of running steps.</summary>
    public WorkflowCall? Call { get; init; }
}

/// <summary>The events a workflow starts on, with their filters.</summary>
internal sealed record EventFilter(
    string Event,
    RefFilter? Branches,
    RefFilter? Tags,
    IReadOnlyList<string> Paths,
    IReadOnlyList<string> PathsIgnore,
    IReadOnlyList<string> Types);
