using System.Text.Json.Nodes;
using Foresight.Abstractions.Jobs;
using Foresight.Scheduling.Jobs;

namespace Foresight.Grains.Workflows;

/// <summary>Adds GitHub's <c>needs</c> context to a job's expression contexts: per needed job its <c>result</c>
/// (success, failure, cancelled or skipped) and its <c>outputs</c> from the attempt that ended it.</summary>
public static class NeedsContext
{
    public static string With(string context, IEnumerable<(string Id, JobRecord Record)> needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var root = JsonNode.Parse(context) as JsonObject ?? new JsonObject();
        var all = new JsonObject();
        foreach (var (id, record) in needs)
        {
            var entry = all[id] as JsonObject ?? new JsonObject { ["outputs"] = new JsonObject() };
            var result = Result(record.State);
            // A matrix job: failure wins over success, as GitHub reports the whole matrix.
            if (entry["result"] is null || result != "success")
            {
                entry["result"] = result;
            }

            var outputs = (JsonObject)entry["outputs"]!;
            foreach (var (name, value) in record.Attempts.LastOrDefault(a => a.Result is not null)?.Result?.Outputs ?? new Dictionary<string, string>())
            {
                outputs[name] = value;
            }

            all[id] = entry;
        }

        root["needs"] = all;
        return root.ToJsonString();
    }

    private static string Result(JobState state) => state switch
    {
        JobState.Succeeded => "success",
        JobState.Cancelled => "cancelled",
        JobState.Pending => "skipped",
        _ => "failure",
    };
}
