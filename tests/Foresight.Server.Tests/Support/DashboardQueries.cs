using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Foresight.Server.Tests.Support;

/// <summary>Every PromQL expression in dashboards/: the Grafana panels' targets, the template variables' metrics, and the alert rules.</summary>
public static class DashboardQueries
{
    /// <summary>Grafana's variables as the tests fill them in: every pool, and a one-minute rate window.</summary>
    public static string Fill(string expression) => expression
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("${pool}", ".*", StringComparison.Ordinal)
        .Replace("$pool", ".*", StringComparison.Ordinal);

    /// <summary>(where, expression) for every target and variable of every dashboard JSON file.</summary>
    public static IReadOnlyList<(string Where, string Expression)> FromDashboards(string folder)
    {
        var found = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var name = Path.GetFileName(file);
            foreach (var panel in json.RootElement.GetProperty("panels").EnumerateArray())
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    found.Add(($"{name}: {panel.GetProperty("title").GetString()} ({target.GetProperty("refId").GetString()})", target.GetProperty("expr").GetString()!));
                }
            }

            foreach (var variable in json.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
            {
                // label_values(metric, label) is Grafana's, not PromQL: the metric it lists from is what Prometheus must have.
                if (variable.TryGetProperty("definition", out var definition) && definition.GetString() is { } d && d.StartsWith("label_values(", StringComparison.Ordinal))
                {
                    found.Add(($"{name}: variable {variable.GetProperty("name").GetString()}", d["label_values(".Length..d.IndexOf(',', StringComparison.Ordinal)]));
                }
            }
        }

        return found;
    }

    /// <summary>(alert name, expression) for every rule of the rule files in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<(string Alert, string Expression)> FromRules(string folder)
    {
        var found = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(folder, "*.yml").Order(StringComparer.Ordinal))
        {
            var yaml = new YamlStream();
            using (var reader = new StringReader(File.ReadAllText(file)))
            {
                yaml.Load(reader);
            }

            var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
            foreach (var rule in groups.Children.Cast<YamlMappingNode>().SelectMany(g => ((YamlSequenceNode)g["rules"]).Children.Cast<YamlMappingNode>()))
            {
                var name = rule.Children.TryGetValue("alert", out var alert) ? alert.ToString() : rule["record"].ToString();
                found.Add((name, rule["expr"].ToString()));
            }
        }

        return found;
    }
}
