using System.Globalization;

namespace Foresight.Simulation.Traces;

/// <summary>
/// Turns a NAB-style <c>timestamp,value</c> series into arrivals: each row's interval (up to the next row; the median
/// spacing for the last one) receives <c>value × JobsPerUnit</c> jobs, spread evenly over the interval. Fractions carry
/// over to the next row, so the total is the sum of <c>value × JobsPerUnit</c> rounded down.
/// </summary>
public static class DemandCurveTraceReader
{
    /// <summary>Reads a demand-curve CSV file.</summary>
    public static JobTrace ReadFile(string path, DemandCurveOptions? options = null)
    {
        using var reader = new StreamReader(path);
        return Read(reader, options, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads a demand curve from <paramref name="reader"/>.</summary>
    public static JobTrace Read(TextReader reader, DemandCurveOptions? options = null, string name = "demand")
    {
        options ??= new DemandCurveOptions();
        var diagnostics = new TraceDiagnostics();
        var points = new List<(DateTimeOffset At, double Value)>();
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
                if (f.Length == 2 && !CsvFields.TryDouble(f[1], out _) && f[0].Trim().Equals("timestamp", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            diagnostics.RowsRead++;
            if (f.Length != 2)
            {
                diagnostics.Skip("malformed row (expected 2 fields)");
            }
            else if (!DateTimeOffset.TryParse(f[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                diagnostics.Skip("unparseable timestamp");
            }
            else if (!CsvFields.TryDouble(f[1], out var value))
            {
                diagnostics.Skip("missing or unparseable value");
            }
            else if (value < 0)
            {
                diagnostics.Skip("negative value");
            }
            else
            {
                points.Add((at, value));
            }
        }

        var sorted = points.Select((p, i) => (p, i)).OrderBy(x => x.p.At).ThenBy(x => x.i).Select(x => x.p).ToList();
        var jobs = Expand(sorted, options);
        var result = JobTrace.Create(name, jobs, diagnostics);
        diagnostics.Note(string.Create(
            CultureInfo.InvariantCulture,
            $"{sorted.Count} curve points → {jobs.Count} jobs at {options.JobsPerUnit} jobs per unit value per interval"));
        return result;
    }

    private static List<TraceJob> Expand(List<(DateTimeOffset At, double Value)> points, DemandCurveOptions options)
    {
        var jobs = new List<TraceJob>();
        if (points.Count == 0)
        {
            return jobs;
        }

        var gaps = new List<double>();
        for (var i = 1; i < points.Count; i++)
        {
            gaps.Add((points[i].At - points[i - 1].At).TotalSeconds);
        }

        gaps.Sort();
        var median = gaps.Count == 0 ? 300 : gaps[gaps.Count / 2];
        var carry = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            var interval = i + 1 < points.Count ? (points[i + 1].At - points[i].At).TotalSeconds : median;
            var exact = (points[i].Value * options.JobsPerUnit) + carry;
            var count = (int)Math.Floor(exact + 1e-9);
            carry = exact - count;
            for (var k = 0; k < count; k++)
            {
                var offset = interval * k / count;
                jobs.Add(new TraceJob(
                    string.Create(CultureInfo.InvariantCulture, $"{i}.{k}"),
                    points[i].At.AddSeconds(offset),
                    options.JobDuration,
                    options.Request,
                    []));
            }
        }

        return jobs;
    }
}
