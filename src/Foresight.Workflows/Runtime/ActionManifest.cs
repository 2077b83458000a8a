using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Foresight.Workflows.Runtime;

/// <summary>One step of a composite action, its values as written (with <c>${{ }}</c>).</summary>
public sealed record ActionStep(
    string? Id,
    string? Name,
    string? If,
    string? Run,
    string? Uses,
    string? Shell,
    string? WorkingDirectory,
    string? ContinueOnError,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyDictionary<string, string> With);

/// <summary>
/// An action's <c>action.yml</c>: its inputs with their defaults, its outputs, and how it runs —
/// <c>composite</c> (steps), <c>node12|16|20|24</c> (<c>main</c>, <c>pre</c>, <c>post</c> and their <c>-if</c>) or
/// <c>docker</c>, which Foresight does not run.
/// </summary>
public sealed record ActionManifest(
    string Directory,
    string Using,
    IReadOnlyDictionary<string, string?> InputDefaults,
    IReadOnlyDictionary<string, string> Outputs,
    string? Main,
    string? Pre,
    string? PreIf,
    string? Post,
    string? PostIf,
    IReadOnlyList<ActionStep> Steps)
{
    /// <summary>The <c>using</c> values Foresight runs with the machine's <c>node</c> (node12 and node16 too, as GitHub's runner does).</summary>
    public static readonly IReadOnlySet<string> NodeRuntimes = new HashSet<string>(["node12", "node16", "node20", "node24"], StringComparer.OrdinalIgnoreCase);

    public bool IsComposite => Using.Equals("composite", StringComparison.OrdinalIgnoreCase);

    public bool IsNode => NodeRuntimes.Contains(Using);

    /// <summary>Reads <c>action.yml</c> (or <c>action.yaml</c>) in <paramref name="directory"/>; throws <see cref="ActionException"/> naming what is wrong.</summary>
    public static ActionManifest Load(string directory)
    {
        var file = new[] { "action.yml", "action.yaml" }.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists)
            ?? throw new ActionException($"no action.yml or action.yaml in {directory}");
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode ?? throw new ActionException($"{file} is not a map");
        }
        catch (YamlException e)
        {
            throw new ActionException($"{file}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}");
        }

        var runs = Map(root, "runs") ?? throw new ActionException($"{file}: runs is missing");
        var usingValue = Text(runs, "using") ?? throw new ActionException($"{file}: runs.using is missing");
        var inputs = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(Map(root, "inputs")))
        {
            inputs[((YamlScalarNode)key).Value ?? ""] = value is YamlMappingNode m ? Text(m, "default") : null;
        }

        var outputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Entries(Map(root, "outputs")))
        {
            outputs[((YamlScalarNode)key).Value ?? ""] = value is YamlMappingNode m ? Text(m, "value") ?? "" : "";
        }

        var steps = new List<ActionStep>();
        if (runs.Children.TryGetValue(new YamlScalarNode("steps"), out var stepsNode) && stepsNode is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children.OfType<YamlMappingNode>())
            {
                if (Text(item, "run") is null && Text(item, "uses") is null)
                {
                    throw new ActionException($"{file}:{item.Start.Line}:{item.Start.Column}: a step of a composite action needs run or uses");
                }

                steps.Add(new ActionStep(
                    Text(item, "id"), Text(item, "name"), Text(item, "if"), Text(item, "run"), Text(item, "uses"), Text(item, "shell"),
                    Text(item, "working-directory"), Text(item, "continue-on-error"), Strings(Map(item, "env")), Strings(Map(item, "with"))));
            }
        }

        else if (usingValue.Equals("composite", StringComparison.OrdinalIgnoreCase))
        {
            throw new ActionException($"{file}: runs.steps is missing (a composite action runs its steps)");
        }

        return new ActionManifest(directory, usingValue, inputs, outputs, Text(runs, "main"), Text(runs, "pre"), Text(runs, "pre-if"),
            Text(runs, "post"), Text(runs, "post-if"), steps);
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode? node) =>
        node?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>();

    private static YamlMappingNode? Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static Dictionary<string, string> Strings(YamlMappingNode? node)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(node))
        {
            values[((YamlScalarNode)key).Value ?? ""] = (value as YamlScalarNode)?.Value ?? "";
        }

        return values;
    }
}

/// <summary>An action that cannot be found or read: the step fails with the message.</summary>
public sealed class ActionException(string message) : Exception(message);
