using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Foresight.Workflows.Definitions;

/// <summary>What <see cref="CompositeActions.Expand"/> made of a workflow file.</summary>
/// <param name="Yaml">The workflow with every local composite action's steps in place of its <c>uses:</c> step; the
/// text as it was when the workflow uses no local action (then line numbers of later diagnostics are the file's).</param>
/// <param name="Expanded">How many <c>uses: ./…</c> steps were replaced (nested ones included).</param>
/// <param name="Errors">Why an action could not be expanded, each naming the step and the action's path; empty when all were.</param>
public sealed record CompositeExpansion(string Yaml, int Expanded, IReadOnlyList<string> Errors);

/// <summary>
/// Local composite actions (<c>uses: ./path</c> with <c>path/action.yml</c> whose <c>runs.using</c> is
/// <c>composite</c>), expanded before a workflow is parsed: the server runs a job's steps in a workspace that has no
/// copy of the repository, so whoever has the repository (the <c>foresight</c> command) reads the action files and puts
/// their steps into the job. Paths are relative to the repository root, as on GitHub.
/// <list type="bullet">
/// <item><c>inputs</c> with <c>default</c> and <c>required</c>; the step's <c>with</c> sets them; <c>${{ inputs.x }}</c>
/// in the action's steps becomes the value's expression (a literal, the <c>with</c> value's own expression, or a
/// <c>format(…)</c> of both).</item>
/// <item>The action's steps keep <c>run</c>, <c>shell</c>, <c>env</c>, <c>working-directory</c>, <c>if</c>,
/// <c>continue-on-error</c>, <c>timeout-minutes</c>; each is named <c>&lt;calling step&gt; / &lt;action step&gt;</c>.
/// The calling step's <c>env</c> is under each (the action step's own wins), its <c>if</c> is and-ed with each step's, and
/// its <c>continue-on-error</c> and <c>timeout-minutes</c> apply to each step that sets none.</item>
/// <item>A step of an action may use another local composite action (at most <see cref="MaxDepth"/> deep).</item>
/// <item>Errors name the path: no <c>action.yml</c>/<c>action.yaml</c>, a <c>runs.using</c> other than
/// <c>composite</c>, an unknown or missing required input, <c>outputs</c>.</item>
/// </list>
/// </summary>
public static partial class CompositeActions
{
    /// <summary>How deep local actions may use local actions.</summary>
    public const int MaxDepth = 8;

    private static readonly string[] CallingStepKeys = ["name", "id", "uses", "with", "env", "if", "continue-on-error", "timeout-minutes"];
    private static readonly string[] ActionStepKeys = ["name", "id", "run", "shell", "env", "working-directory", "if", "continue-on-error", "timeout-minutes", "uses", "with"];

    /// <summary>Whether the text has a <c>uses: ./…</c> step at all (a cheap test before <see cref="Expand"/>).</summary>
    public static bool UsesLocalAction(string workflowYaml) => LocalUses().IsMatch(workflowYaml ?? string.Empty);

    /// <summary>Expands every local composite action in <paramref name="workflowYaml"/>.</summary>
    /// <param name="workflowYaml">The workflow file's text.</param>
    /// <param name="readFile">Reads a file by its path relative to the repository root (forward slashes, no <c>./</c>);
    /// null when there is no such file.</param>
    public static CompositeExpansion Expand(string workflowYaml, Func<string, string?> readFile)
    {
        ArgumentNullException.ThrowIfNull(workflowYaml);
        ArgumentNullException.ThrowIfNull(readFile);
        if (!UsesLocalAction(workflowYaml))
        {
            return new CompositeExpansion(workflowYaml, 0, []);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(workflowYaml));
        }
        catch (YamlException)
        {
            // The parser reports the syntax error with its position.
            return new CompositeExpansion(workflowYaml, 0, []);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || Child(root, "jobs") is not YamlMappingNode jobs)
        {
            return new CompositeExpansion(workflowYaml, 0, []);
        }

        var context = new Expansion(readFile);
        foreach (var (jobKey, jobNode) in jobs.Children)
        {
            if (jobNode is YamlMappingNode job && Child(job, "steps") is YamlSequenceNode steps)
            {
                var expanded = context.ExpandSteps(steps.Children, $"job '{((YamlScalarNode)jobKey).Value}'", depth: 0);
                steps.Children.Clear();
                foreach (var step in expanded)
                {
                    steps.Children.Add(step);
                }
            }
        }

        if (context.Count == 0 || context.Errors.Count > 0)
        {
            return new CompositeExpansion(workflowYaml, context.Count, context.Errors);
        }

        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString().TrimEnd();
        if (text.EndsWith("...", StringComparison.Ordinal))
        {
            text = text[..^3].TrimEnd();
        }

        return new CompositeExpansion(text + "\n", context.Count, []);
    }

    /// <summary>The repository root of a workflow file: the nearest folder above it that holds <c>.git</c> (a folder,
    /// or a file in a git worktree); <paramref name="fallback"/> when there is none.</summary>
    public static string RepositoryRoot(string workflowPath, string fallback)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(workflowPath))!); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return dir.FullName;
            }
        }

        return fallback;
    }

    /// <summary>Reads files below <paramref name="root"/> only: a path that leaves it reads as missing.</summary>
    public static Func<string, string?> FileReader(string root)
    {
        var full = Path.GetFullPath(root);
        return relative =>
        {
            var path = Path.GetFullPath(Path.Combine(full, relative));
            var inside = path.StartsWith(full.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            return inside && File.Exists(path) ? File.ReadAllText(path) : null;
        };
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    /// <summary>A literal as an expression: <c>'it''s'</c>.</summary>
    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A value that may hold <c>${{ … }}</c> as one expression: a literal, the single expression, or <c>format(…)</c>.</summary>
    internal static string AsExpression(string value)
    {
        var parts = Interpolation().Matches(value);
        if (parts.Count == 0)
        {
            return Literal(value);
        }

        if (parts.Count == 1 && parts[0].Index == 0 && parts[0].Length == value.Length)
        {
            return "(" + parts[0].Groups["e"].Value.Trim() + ")";
        }

        var format = new StringBuilder();
        var args = new List<string>();
        var at = 0;
        foreach (Match part in parts)
        {
            format.Append(value[at..part.Index].Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            format.Append('{').Append(args.Count).Append('}');
            args.Add("(" + part.Groups["e"].Value.Trim() + ")");
            at = part.Index + part.Length;
        }

        format.Append(value[at..].Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        return $"format({Literal(format.ToString())}, {string.Join(", ", args)})";
    }

    [GeneratedRegex(@"^\s*-?\s*uses:\s*['""]?\./", RegexOptions.Multiline)]
    private static partial Regex LocalUses();

    [GeneratedRegex(@"\$\{\{(?<e>.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"(?<![\w.\-])inputs\s*(?:\.\s*(?<name>[A-Za-z_][A-Za-z0-9_\-]*)|\[\s*'(?<name>[^']*)'\s*\])", RegexOptions.IgnoreCase)]
    private static partial Regex InputReference();

    private sealed class Expansion(Func<string, string?> readFile)
    {
        public List<string> Errors { get; } = [];

        public int Count { get; private set; }

        public List<YamlNode> ExpandSteps(IEnumerable<YamlNode> steps, string where, int depth)
        {
            var result = new List<YamlNode>();
            var index = 0;
            foreach (var step in steps)
            {
                index++;
                if (step is YamlMappingNode map && Scalar(map, "uses") is { } uses && uses.Trim().StartsWith("./", StringComparison.Ordinal))
                {
                    result.AddRange(ExpandCall(map, uses.Trim(), $"{where}, step {index}", depth));
                }
                else
                {
                    result.Add(step);
                }
            }

            return result;
        }

        private List<YamlNode> ExpandCall(YamlMappingNode call, string uses, string where, int depth)
        {
            var problem = $"{where} (uses: {uses})";
            if (depth >= MaxDepth)
            {
                Errors.Add($"{problem}: local actions nest more than {MaxDepth} deep (does an action use itself?)");
                return [];
            }

            foreach (var key in call.Children.Keys.OfType<YamlScalarNode>().Where(k => !CallingStepKeys.Contains(k.Value, StringComparer.Ordinal)))
            {
                Errors.Add($"{problem}: '{key.Value}' does not go with a local action (a step that uses one takes {string.Join(", ", CallingStepKeys)})");
            }

            var folder = uses[2..].Trim('/');
            if (folder.Contains('@', StringComparison.Ordinal))
            {
                Errors.Add($"{problem}: a local action has no version ('@…'); it is the folder in the repository");
                return [];
            }

            var file = $"{folder}/action.yml";
            var text = readFile(file);
            if (text is null)
            {
                file = $"{folder}/action.yaml";
                text = readFile(file);
            }

            if (text is null)
            {
                Errors.Add($"{problem}: no action.yml or action.yaml in '{folder}' (local actions are read relative to the repository root)");
                return [];
            }

            if (ReadAction(text, file, problem) is not { } action)
            {
                return [];
            }

            var inputs = Inputs(action.Map, call, file, problem);
            if (inputs is null)
            {
                return [];
            }

            Count++;
            var callName = Scalar(call, "name") ?? uses;
            var expanded = new List<YamlNode>();
            var stepIndex = 0;
            foreach (var node in action.Steps)
            {
                stepIndex++;
                if (node is not YamlMappingNode step)
                {
                    Errors.Add($"{problem}: {file}: runs.steps[{stepIndex}] must be a map");
                    continue;
                }

                if (Rewrite(step, inputs, $"{problem}: {file}: runs.steps[{stepIndex}]") is not { } rewritten)
                {
                    continue;
                }

                // Unnamed, a step is called as GitHub calls it: "Run <its first line>".
                var innerName = Scalar(rewritten, "name") ?? Scalar(rewritten, "uses") ?? (FirstLine(Scalar(rewritten, "run")) is { } line ? $"Run {line}" : $"step {stepIndex}");
                Set(rewritten, "name", new YamlScalarNode($"{callName} / {innerName}"));
                Inherit(call, rewritten);
                if (Scalar(rewritten, "uses") is { } nested && nested.Trim().StartsWith("./", StringComparison.Ordinal))
                {
                    expanded.AddRange(ExpandCall(rewritten, nested.Trim(), $"{file}: runs.steps[{stepIndex}]", depth + 1));
                }
                else
                {
                    expanded.Add(rewritten);
                }
            }

            return expanded;
        }

        private (YamlMappingNode Map, IReadOnlyList<YamlNode> Steps)? ReadAction(string text, string file, string problem)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                Errors.Add($"{file}:{e.Start.Line}:{e.Start.Column}: {e.Message}");
                return null;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map || Child(map, "runs") is not YamlMappingNode runs)
            {
                Errors.Add($"{problem}: {file} has no runs: map");
                return null;
            }

            var kind = Scalar(runs, "using");
            if (!string.Equals(kind, "composite", StringComparison.Ordinal))
            {
                Errors.Add($"{problem}: {file} has runs.using: {kind ?? "(none)"}; only composite local actions are supported (runs.using: composite with runs.steps)");
                return null;
            }

            if (Child(map, "outputs") is not null)
            {
                Errors.Add($"{problem}: {file} declares outputs; outputs of composite actions are not supported");
                return null;
            }

            if (Child(runs, "steps") is not YamlSequenceNode steps)
            {
                Errors.Add($"{problem}: {file} has no runs.steps list");
                return null;
            }

            return (map, steps.Children.ToList());
        }

        /// <summary>Each declared input's value as an expression, by lower-case name; null after an error.</summary>
        private Dictionary<string, string>? Inputs(YamlMappingNode action, YamlMappingNode call, string file, string problem)
        {
            var declared = new Dictionary<string, (string? Default, bool Required)>(StringComparer.OrdinalIgnoreCase);
            if (Child(action, "inputs") is YamlMappingNode inputs)
            {
                foreach (var (key, value) in inputs.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    var spec = value as YamlMappingNode;
                    var required = spec is not null && string.Equals(Scalar(spec, "required"), "true", StringComparison.OrdinalIgnoreCase);
                    declared[name] = (spec is null ? null : Scalar(spec, "default"), required);
                }
            }

            var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var ok = true;
            if (Child(call, "with") is YamlMappingNode with)
            {
                foreach (var (key, value) in with.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    if (!declared.ContainsKey(name))
                    {
                        Errors.Add($"{problem}: with.{name} is not an input of {file} (inputs: {(declared.Count == 0 ? "none" : string.Join(", ", declared.Keys))})");
                        ok = false;
                    }
                    else if (value is YamlScalarNode scalar)
                    {
                        given[name] = scalar.Value ?? string.Empty;
                    }
                    else
                    {
                        Errors.Add($"{problem}: with.{name} must be a string");
                        ok = false;
                    }
                }
            }

            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, (defaultValue, required)) in declared)
            {
                if (given.TryGetValue(name, out var value))
                {
                    values[name] = AsExpression(value);
                }
                else if (required && defaultValue is null)
                {
                    Errors.Add($"{problem}: input '{name}' of {file} is required (with: {name}: …)");
                    ok = false;
                }
                else
                {
                    values[name] = AsExpression(defaultValue ?? string.Empty);
                }
            }

            return ok ? values : null;
        }

        /// <summary>A copy of an action's step with <c>inputs.*</c> replaced in every string; null after an error.</summary>
        private YamlMappingNode? Rewrite(YamlMappingNode step, Dictionary<string, string> inputs, string where)
        {
            var copy = new YamlMappingNode();
            var ok = true;
            foreach (var (key, value) in step.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (!ActionStepKeys.Contains(name, StringComparer.Ordinal))
                {
                    Errors.Add($"{where}: '{name}' is not a step key here ({string.Join(", ", ActionStepKeys)})");
                    ok = false;
                    continue;
                }

                // if: is an expression with or without ${{ }}; every other string interpolates.
                copy.Add(new YamlScalarNode(name), RewriteNode(value, inputs, where, bare: name == "if", ref ok));
            }

            return ok ? copy : null;
        }

        private YamlNode RewriteNode(YamlNode node, Dictionary<string, string> inputs, string where, bool bare, ref bool ok)
        {
            switch (node)
            {
                case YamlScalarNode { Value: { } text } scalar:
                    var replaced = bare && !text.Contains("${{", StringComparison.Ordinal)
                        ? ReplaceInputs(text, inputs, where, ref ok)
                        : ReplaceInExpressions(text, inputs, where, ref ok);
                    return replaced == text ? scalar : new YamlScalarNode(replaced) { Style = replaced.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal : ScalarStyle.Any };
                case YamlMappingNode map:
                    var mapCopy = new YamlMappingNode();
                    foreach (var (key, value) in map.Children)
                    {
                        mapCopy.Add(key, RewriteNode(value, inputs, where, bare: false, ref ok));
                    }

                    return mapCopy;
                case YamlSequenceNode sequence:
                    var sequenceCopy = new YamlSequenceNode();
                    foreach (var item in sequence.Children)
                    {
                        sequenceCopy.Add(RewriteNode(item, inputs, where, bare: false, ref ok));
                    }

                    return sequenceCopy;
                default:
                    return node;
            }
        }

        private string ReplaceInExpressions(string text, Dictionary<string, string> inputs, string where, ref bool ok)
        {
            var failed = false;
            var result = Interpolation().Replace(text, m =>
            {
                var inner = true;
                var replaced = ReplaceInputs(m.Groups["e"].Value, inputs, where, ref inner);
                failed |= !inner;
                return "${{" + replaced + "}}";
            });
            ok &= !failed;
            return result;
        }

        private string ReplaceInputs(string expression, Dictionary<string, string> inputs, string where, ref bool ok)
        {
            var failed = false;
            var result = InputReference().Replace(expression, m =>
            {
                var name = m.Groups["name"].Value;
                if (inputs.TryGetValue(name, out var value))
                {
                    return value;
                }

                Errors.Add($"{where}: inputs.{name} is not an input of the action (inputs: {(inputs.Count == 0 ? "none" : string.Join(", ", inputs.Keys))})");
                failed = true;
                return m.Value;
            });
            ok &= !failed;
            return result;
        }

        /// <summary>The calling step's env, if, continue-on-error and timeout-minutes, onto one of the action's steps.</summary>
        private static void Inherit(YamlMappingNode call, YamlMappingNode step)
        {
            if (Child(call, "env") is YamlMappingNode outerEnv)
            {
                var env = new YamlMappingNode();
                foreach (var (key, value) in outerEnv.Children)
                {
                    env.Add(key, value);
                }

                if (Child(step, "env") is YamlMappingNode innerEnv)
                {
                    foreach (var (key, value) in innerEnv.Children)
                    {
                        var existing = env.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == ((YamlScalarNode)key).Value);
                        if (existing is not null)
                        {
                            env.Children.Remove(existing);
                        }

                        env.Add(key, value);
                    }
                }

                Set(step, "env", env);
            }

            if (Scalar(call, "if") is { Length: > 0 } outerIf)
            {
                var outer = Unwrap(outerIf);
                var combined = Scalar(step, "if") is { Length: > 0 } innerIf ? $"({outer}) && ({Unwrap(innerIf)})" : outer;
                Set(step, "if", new YamlScalarNode(combined));
            }

            foreach (var key in new[] { "continue-on-error", "timeout-minutes" })
            {
                if (Child(call, key) is { } value && Child(step, key) is null)
                {
                    Set(step, key, value);
                }
            }
        }

        /// <summary>An if: condition without its <c>${{ }}</c>, when it is one expression.</summary>
        private static string Unwrap(string condition)
        {
            var text = condition.Trim();
            return text.StartsWith("${{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && text.IndexOf("${{", 3, StringComparison.Ordinal) < 0
                ? text[3..^2].Trim()
                : text;
        }

        private static string? FirstLine(string? run) =>
            run?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

        private static void Set(YamlMappingNode map, string key, YamlNode value)
        {
            var existing = map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: { } s } && s == key);
            if (existing is not null)
            {
                map.Children[existing] = value;
            }
            else
            {
                map.Add(new YamlScalarNode(key), value);
            }
        }
    }
}
