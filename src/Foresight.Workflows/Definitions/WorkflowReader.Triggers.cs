using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;
namespace Foresight.Workflows.Definitions;

/// <summary>`on`: events, their branch/tag/path filters and workflow_dispatch inputs; permissions.</summary>
internal sealed partial class WorkflowReader
{
    private (IReadOnlyList<EventFilter>, IReadOnlyList<DispatchInput>) ReadOn(YScalar key, YNode node)
    {
        var declared = new List<(YNode Node, string Event, YNode? Config)>();
        switch (node)
        {
            case YScalar { IsNull: false } scalar:
                declared.Add((scalar, scalar.Value, null));
                break;
            case YSequence sequence:
                foreach (var item in sequence.Items)
                {
                    if (item is YScalar { IsNull: false } s)
                    {
                        declared.Add((s, s.Value, null));
                    }
                    else
                    {
                        _diagnostics.Error(item, $"an event in the on list must be a name, not {item.Kind}");
                    }
                }

                break;
            case YMapping mapping:
                declared.AddRange(mapping.Entries.Select(e => ((YNode)e.Key, e.Key.Value, (YNode?)e.Value)));
                break;
            default:
                _diagnostics.Error(node, $"on must be an event name, a list of events or a map of events, not {node.Kind}");
                return ([], []);
        }

        var events = new List<EventFilter>();
        var inputs = new List<DispatchInput>();
        foreach (var (at, name, config) in declared)
        {
            if (!KnownEvents.Contains(name))
            {
                _diagnostics.Error(at, $"unknown event '{name}'");
                continue;
            }

            if (name == "workflow_dispatch")
            {
                inputs.AddRange(ReadDispatch(config));
                events.Add(new EventFilter(name, null, null, [], [], []));
            }
            else if (name == "workflow_call")
            {
                // A reusable workflow: its inputs are ${{ inputs.* }}; its outputs and secrets are what callers see and pass.
                inputs.AddRange(ReadWorkflowCall(config));
                events.Add(new EventFilter(name, null, null, [], [], []));
            }
            else if (!SupportedEvents.Contains(name))
            {
                // Accepted: a webhook never starts the run on it; `foresight run --event <name>` and the API can.
                events.Add(new EventFilter(name, null, null, [], [], []));
            }
            else if (ReadEventFilter(name, config) is { } filter)
            {
                events.Add(filter);
            }
        }

        if (declared.Count == 0)
        {
            _diagnostics.Error(key, "on names no event");
        }

        return (events, inputs);
    }

    private EventFilter? ReadEventFilter(string name, YNode? config)
    {
        if (config is null or YScalar { IsNull: true })
        {
            return new EventFilter(name, null, null, [], [], []);
        }

        if (config is not YMapping map)
        {
            _diagnostics.Error(config, $"on.{name} must be a map of filters, not {config.Kind}");
            return null;
        }

        string[] allowed = name == "push"
            ? ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"]
            : ["types", "branches", "branches-ignore", "paths", "paths-ignore"];
        var lists = new Dictionary<string, (YNode Node, IReadOnlyList<string> Values)>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (!allowed.Contains(key.Value))
            {
                UnknownKey(key, $"in on.{name}", allowed);
            }
            else if (StringList(value, $"on.{name}.{key.Value}") is { } values)
            {
                lists[key.Value] = (value, values);
            }
        }

        var branches = Filter(map, lists, "branches", name);
        var tags = Filter(map, lists, "tags", name);
        if (map.KeyNode("paths") is { } paths && map.KeyNode("paths-ignore") is not null)
        {
            _diagnostics.Error(paths, $"on.{name} cannot have both paths and paths-ignore");
        }

        return new EventFilter(
            name,
            branches,
            tags,
            lists.TryGetValue("paths", out var p) ? p.Values : [],
            lists.TryGetValue("paths-ignore", out var pi) ? pi.Values : [],
            lists.TryGetValue("types", out var t) ? t.Values : []);
    }

    private RefFilter? Filter(YMapping map, Dictionary<string, (YNode Node, IReadOnlyList<string> Values)> lists, string kind, string eventName)
    {
        var include = lists.TryGetValue(kind, out var i) ? i : default;
        var ignore = lists.TryGetValue(kind + "-ignore", out var x) ? x : default;
        if (include.Node is not null && ignore.Node is not null)
        {
            _diagnostics.Error(map.KeyNode(kind)!, $"on.{eventName} cannot have both {kind} and {kind}-ignore");
            return null;
        }

        var (node, values) = include.Node is not null ? include : ignore;
        if (node is null)
        {
            return null;
        }

        var filter = RefFilter.Create(values, ignore.Node is not null, out var error);
        if (filter is null)
        {
            _diagnostics.Error(node, error!);
        }

        return filter;
    }

    private List<DispatchInput> ReadDispatch(YNode? config)
    {
        var inputs = new List<DispatchInput>();
        if (config is null or YScalar { IsNull: true })
        {
            return inputs;
        }

        if (config is not YMapping map)
        {
            _diagnostics.Error(config, $"on.workflow_dispatch must be a map, not {config.Kind}");
            return inputs;
        }

        foreach (var (key, value) in map.Entries)
        {
            if (key.Value != "inputs")
            {
                UnknownKey(key, "in on.workflow_dispatch", ["inputs"]);
                continue;
            }

            if (value is YScalar { IsNull: true })
            {
                continue;
            }

            if (value is not YMapping inputMap)
            {
                _diagnostics.Error(value, "on.workflow_dispatch.inputs must be a map of inputs");
                continue;
            }

            foreach (var (inputKey, inputNode) in inputMap.Entries)
            {
                if (ReadInput(inputKey, inputNode) is { } input)
                {
                    inputs.Add(input);
                }
            }
        }

        return inputs;
    }

    private DispatchInput? ReadInput(YScalar key, YNode node)
    {
        if (node is YScalar { IsNull: true })
        {
            return new DispatchInput(key.Value, "string", null, false);
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"input '{key.Value}' must be a map (description, required, default, type, options)");
            return null;
        }

        string[] allowed = ["description", "required", "default", "type", "options"];
        string type = "string";
        string? defaultValue = null;
        var required = false;
        foreach (var (k, v) in map.Entries)
        {
            switch (k.Value)
            {
                case "description":
                    _ = String(v, $"inputs.{key.Value}.description");
                    break;
                case "required":
                    required = Bool(v, $"inputs.{key.Value}.required") ?? false;
                    break;
                case "default":
                    defaultValue = v is YScalar s ? s.Value : String(v, $"inputs.{key.Value}.default");
                    break;
                case "type":
                    // An unknown type (real files say "int") is read as a string, as GitHub runs such files.
                    type = String(v, $"inputs.{key.Value}.type") ?? "string";
                    break;
                case "options":
                    _ = StringList(v, $"inputs.{key.Value}.options");
                    break;
                default:
                    UnknownKey(k, $"in input '{key.Value}'", allowed);
                    break;
            }
        }

        return new DispatchInput(key.Value, type, defaultValue, required);
    }

    private void ReadPermissions(YNode node)
    {
        // GITHUB_TOKEN scopes: Foresight issues no token, so they are accepted and have no effect.
        if (node is not (YScalar or YMapping))
        {
            _diagnostics.Error(node, $"permissions must be read-all, write-all or a map of scopes, not {node.Kind}");
        }
    }
}
