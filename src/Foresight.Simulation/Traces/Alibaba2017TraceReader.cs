using System.Globalization;
using Foresight.Scheduling;

namespace Foresight.Simulation.Traces;

/// <summary>
/// Reads Alibaba cluster-trace-v2017 <c>batch_task</c>: <c>task_create_time, task_end_time, job_id, task_id,
/// number_of_instances, status, cpus_requested_per_instance (100 = 1 core), normalized_memory_requested_per_instance</c>,
/// times in seconds. Arrival = create time; duration = end − create, for Terminated tasks only; a header line is
/// optional. The profile key is the task's request signature (CPU, memory, instances): recurring jobs repeat it. Every row that is not turned into a job is counted with its reason.
/// </summary>
public static class Alibaba2017TraceReader
{
    private const int FieldCount = 8;

    /// <summary>Reads a batch_task CSV file.</summary>
    public static JobTrace ReadFile(string path, Alibaba2017Options? options = null)
    {
        using var reader = new StreamReader(path);
        return Read(reader, options);
    }

    /// <summary>Reads batch_task rows from <paramref name="reader"/>.</summary>
    public static JobTrace Read(TextReader reader, Alibaba2017Options? options = null, string name = "alibaba2017")
    {
        options ??= new Alibaba2017Options();
        var diagnostics = new TraceDiagnostics();
        var jobs = new List<TraceJob>();
        var first = true;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (CsvFields.IsBlank(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (first)
            {
                first = false;
                if (!CsvFields.TryDouble(fields[0], out _))
                {
                    continue; // header
                }
            }

            diagnostics.RowsRead++;
            var job = Parse(fields, options, diagnostics);
            if (job is not null)
            {
                jobs.Add(job);
            }
        }

        return JobTrace.Create(name, jobs, diagnostics);
    }

    private static TraceJob? Parse(string[] f, Alibaba2017Options options, TraceDiagnostics diagnostics)
    {
        if (f.Length != FieldCount)
        {
            diagnostics.Skip($"malformed row (expected {FieldCount} fields)");
            return null;
        }

        var status = f[5].Trim();
        if (!string.Equals(status, "Terminated", StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Skip($"status {(status.Length == 0 ? "missing" : status)} (only Terminated tasks have a duration)");
            return null;
        }

        if (!CsvFields.TryDouble(f[0], out var create) || !CsvFields.TryDouble(f[1], out var end))
        {
            diagnostics.Skip("missing or unparseable create/end time");
            return null;
        }

        if (end < create)
        {
            diagnostics.Skip("negative duration (end before create)");
            return null;
        }

        if (end - create > CsvFields.MaxDurationSeconds)
        {
            diagnostics.Skip(CsvFields.TooLong);
            return null;
        }

        if (string.IsNullOrWhiteSpace(f[6]) || string.IsNullOrWhiteSpace(f[7]))
        {
            diagnostics.Skip("missing CPU or memory request");
            return null;
        }

        if (!CsvFields.TryDouble(f[6], out var cpu) || !CsvFields.TryDouble(f[7], out var memory) || cpu <= 0 || memory < 0)
        {
            diagnostics.Skip("unparseable or non-positive CPU or memory request");
            return null;
        }

        if (!CsvFields.TryLong(f[4], out var instances) || instances <= 0)
        {
            diagnostics.Skip("missing or non-positive instance count");
            return null;
        }

        var id = string.Create(CultureInfo.InvariantCulture, $"{f[2].Trim()}/{f[3].Trim()}");
        return new TraceJob(
            id,
            options.Origin.AddSeconds(create),
            TimeSpan.FromSeconds(end - create),
            new Resources(cpu / 100.0, (long)Math.Round(memory * options.MachineMemoryMb)),
            [],
            (int)Math.Min(instances, int.MaxValue),
            string.Create(CultureInfo.InvariantCulture, $"cpu={f[6].Trim()}|mem={f[7].Trim()}|instances={instances}"));
    }
}
