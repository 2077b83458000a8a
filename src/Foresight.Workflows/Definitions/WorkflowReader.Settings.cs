using System.Globalization;
using System.Text.RegularExpressions;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions.Expressions;
using Foresight.Workflows.Definitions.Yaml;
namespace Foresight.Workflows.Definitions;

/// <summary>Workflow-level settings: concurrency, defaults.run and x-foresight.</summary>
internal sealed partial class WorkflowReader
{
    private (Template?, BoolSetting) ReadConcurrency(YNode node)
    {
        if (node is YScalar scalar)
        {
            return (Text(scalar, ExprSite.Workflow), BoolSetting.False);
        }

        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"concurrency must be a group name or a map with group and cancel-in-progress, not {node.Kind}");
            return (null, BoolSetting.False);
        }

        Template? group = null;
        var cancel = BoolSetting.False;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "group":
                    group = value is YScalar s ? Text(s, ExprSite.Workflow) : Invalid<Template>(value, "concurrency.group must be a string");
                    break;
                case "cancel-in-progress":
                    cancel = BoolOrExpression(value, "concurrency.cancel-in-progress", ExprSite.Workflow);
                    break;
                default:
                    UnknownKey(key, "in concurrency", ["group", "cancel-in-progress"]);
                    break;
            }
        }

        if (map.KeyNode("group") is null)
        {
            _diagnostics.Error(map, "concurrency needs a group");
        }

        return (group, cancel);
    }

    private RunDefaults ReadDefaults(YNode node, ExprSite site)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"defaults must be a map, not {node.Kind}");
            return RunDefaults.None;
        }

        var defaults = RunDefaults.None;
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value != "run")
            {
                UnknownKey(key, "in defaults", ["run"]);
                continue;
            }

            if (value is not YMapping run)
            {
                _diagnostics.Error(value, $"defaults.run must be a map, not {value.Kind}");
                continue;
            }

            foreach (var (k, v) in run.Entries)
            {
                switch (k.Value)
                {
                    case "shell":
                        defaults = defaults with { Shell = Shell(v) };
                        break;
                    case "working-directory":
                        defaults = defaults with { WorkingDirectory = v is YScalar s ? Text(s, site) : Invalid<Template>(v, "working-directory must be a string") };
                        break;
                    default:
                        UnknownKey(k, "in defaults.run", ["shell", "working-directory"]);
                        break;
                }
            }
        }

        return defaults;
    }

    private ForesightSettings ReadForesight(YNode node)
    {
        if (node is not YMapping map)
        {
            _diagnostics.Error(node, $"x-foresight must be a map, not {node.Kind}");
            return ForesightSettings.None;
        }

        var settings = ForesightSettings.None;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "priority":
                    settings = settings with { Priority = Integer(value, "x-foresight.priority", -1000, 1000) };
                    break;
                case "cpu":
                    var cpu = Number(value, "x-foresight.cpu");
                    if (cpu is not null and (<= 0 or > 1024))
                    {
                        _diagnostics.Error(value, $"x-foresight.cpu must be more than 0 and at most 1024 cores (was {value.Describe()})");
                        cpu = null;
                    }

                    settings = settings with { Cpu = cpu };
                    break;
                case "memory":
                    settings = settings with { MemoryMb = Memory(value) };
                    break;
                case "retries":
                    settings = settings with { Retries = Integer(value, "x-foresight.retries", 0, 99) };
                    break;
                case "pool":
                    var pool = String(value, "x-foresight.pool");
                    if (pool is not null && (pool.Length == 0 || pool.Contains('/', StringComparison.Ordinal)))
                    {
                        _diagnostics.Error(value, "x-foresight.pool must be a non-empty name without '/'");
                        pool = null;
                    }

                    settings = settings with { Pool = pool };
                    break;
                case "retry-exit-codes":
                    settings = settings with { RetryExitCodes = IntList(value, "x-foresight.retry-exit-codes") };
                    break;
                default:
                    UnknownKey(key, "in x-foresight", ["priority", "cpu", "memory", "retries", "pool", "retry-exit-codes"]);
                    break;
            }
        }

        return settings;
    }

    private long? Memory(YNode node)
    {
        if (node is not YScalar { IsNull: false } scalar)
        {
            return Invalid<long?>(node, $"x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi, not {node.Kind}");
        }

        var match = MemoryPattern().Match(scalar.Value.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return Invalid<long?>(node, $"x-foresight.memory must be MiB (a number) or a size like 512Mi or 2Gi (was '{scalar.Value}')");
        }

        var mib = match.Groups[2].Value switch
        {
            "Ki" => amount / 1024,
            "Gi" => amount * 1024,
            "Ti" => amount * 1024 * 1024,
            "K" => amount * 1000 / (1024 * 1024),
            "M" => amount * 1_000_000 / (1024 * 1024),
            "G" => amount * 1_000_000_000 / (1024 * 1024),
            _ => amount,
        };
        if (mib is < 1 or > 16L * 1024 * 1024)
        {
            return Invalid<long?>(node, $"x-foresight.memory must be between 1 MiB and 16 TiB (was '{scalar.Value}')");
        }

        return (long)Math.Ceiling(mib);
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(Ki|Mi|Gi|Ti|K|M|G)?$")]
    private static partial Regex MemoryPattern();
}
