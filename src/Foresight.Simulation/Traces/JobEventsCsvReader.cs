using System.Globalization;
using Foresight.Scheduling;

namespace Foresight.Simulation.Traces;

/// <summary>
/// Reads a generic job CSV with the header <c>submit_ts,duration_s,cpu,memory,labels</c> and an optional sixth column
/// <c>profile</c>: submit time as Unix seconds or an ISO 8601 timestamp, duration in seconds, CPU in cores, memory in
/// MiB, labels separated by <c>;</c> (may be empty), and the job's profile key (may be empty; duration estimates group
/// runs by it, else by labels and resources).
/// </summary>
public static class JobEventsCsvReader
{
    /// <summary>Reads a job CSV file.</summary>
    public static JobTrace ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads job rows from <paramref name="reader"/>.</summary>
    public static JobTrace Read(TextReader reader, string name = "jobs")
    {
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

            var f = line.Split(',');
            if (first)
            {
                first = false;
                if (f[0].Trim().Equals("submit_ts", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            diagnostics.RowsRead++;
            var job = Parse(f, diagnostics.RowsRead, diagnostics);
            if (job is not null)
            {
                jobs.Add(job);
            }
        }

        return JobTrace.Create(name, jobs, diagnostics);
    }

    private static TraceJob? Parse(string[] f, int row, TraceDiagnostics diagnostics)
    {
        if (f.Length is < 4 or > 6)
        {
            diagnostics.Skip("malformed row (expected 4 to 6 fields)");
            return null;
        }

        if (!TryTime(f[0], out var submit))
        {
            diagnostics.Skip("missing or unparseable submit_ts");
            return null;
        }

        if (string.IsNullOrWhiteSpace(f[1]) || !CsvFields.TryDouble(f[1], out var duration))
        {
            diagnostics.Skip("missing or unparseable duration_s");
            return null;
        }

        if (duration < 0)
        {
            diagnostics.Skip("negative duration_s");
            return null;
        }

        if (duration > CsvFields.MaxDurationSeconds)
        {
            diagnostics.Skip(CsvFields.TooLong);
            return null;
        }

        if (!CsvFields.TryDouble(f[2], out var cpu) || !CsvFields.TryDouble(f[3], out var memory) || cpu < 0 || memory < 0)
        {
            diagnostics.Skip("missing, unparseable or negative cpu/memory");
            return null;
        }

        var labels = f.Length >= 5
            ? f[4].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return new TraceJob(
            row.ToString(CultureInfo.InvariantCulture),
            submit,
            TimeSpan.FromSeconds(duration),
            new Resources(cpu, (long)Math.Round(memory)),
            labels,
            Profile: f.Length == 6 && !string.IsNullOrWhiteSpace(f[5]) ? f[5].Trim() : null);
    }

    private static bool TryTime(string s, out DateTimeOffset time)
    {
        if (CsvFields.TryDouble(s, out var seconds))
        {
            time = DateTimeOffset.UnixEpoch.AddSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(s.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
