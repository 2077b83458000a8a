using System.Text.Json.Nodes;
using Foresight.Scheduling.Jobs;

namespace Foresight.Workflows.Dag;

/// <summary>Adds GitHub's <c>needs</c> context to a job's expression contexts: per needed job its <c>result</c>
/// (success, failure, cancelled or skipped) and its <c>outputs</c>; a matrix job's expansions are merged.</summary>
public static class NeedsContext
{
    /// <summary>A job's context JSON with <c>needs</c> set.</summary>
    public static string With(string context, IEnumerable<(string Id, string Result, IReadOnlyDictionary<string, string>? Outputs)> needs)
    {
        var root = JsonNode.Parse(context) as JsonObject ?? new JsonObject();
        root["needs"] = Build(needs);
        return root.ToJsonString();
    }

    /// <summary>The <c>needs</c> object: per job id its <c>result</c> and <c>outputs</c>.</summary>
    public static JsonObject Build(IEnumerable<(string Id, string Result, IReadOnlyDictionary<string, string>? Outputs)> needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var all = new JsonObject();
        foreach (var (id, result, outputs) in needs)
        {
            var entry = all[id] as JsonObject ?? new JsonObject { ["outputs"] = new JsonObject() };
            // A matrix job: any expansion that did not succeed decides the result, as GitHub reports the whole matrix.
            if (entry["result"] is null || result != "success")
            {
                entry["result"] = result;
            }

            var merged = (JsonObject)entry["outputs"]!;
            foreach (var (name, value) in outputs ?? new Dictionary<string, string>())
            {
                merged[name] = value;
            }

            all[id] = entry;
        }

        return all;
    }

    /// <summary>The job id of a run's job key: <c>build</c> of <c>build (linux, 8)</c>, and of <c>ci / build</c> (a job
    /// of the reusable workflow that job <c>ci</c> calls, whose <c>needs</c> name the jobs of that workflow).</summary>
    public static string JobIdOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var head = key.IndexOf(" (", StringComparison.Ordinal) is var i and > 0 ? key[..i] : key;
        return head.LastIndexOf(" / ", StringComparison.Ordinal) is var slash and >= 0 ? head[(slash + 3)..] : head;
    }

    /// <summary>The <c>needs.&lt;id&gt;.result</c> of a job state.</summary>
    public static string Result(JobState state) => state switch
    {
        JobState.Succeeded => "success",
        JobState.Cancelled => "cancelled",
        JobState.Pending => "skipped",
        _ => "failure",
    };
}
