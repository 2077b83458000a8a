using System.Globalization;
using System.Text.Json;

namespace Foresight.Cli.Commands;

/// <summary>Readers for <c>timestamp,value</c> CSVs, frequency strings and NAB's labelled anomaly windows.</summary>
internal static class EvaluateSeriesData
{
    public static (List<DateTimeOffset> Timestamps, List<double> Values) ReadCsv(string path)
    {
        var ts = new List<DateTimeOffset>();
        var vs = new List<double>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split(',');
            ts.Add(DateTimeOffset.Parse(cells[0].Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
            vs.Add(double.TryParse(cells[1].Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
        }

        return (ts, vs);
    }

    /// <summary>
    /// Job arrivals of the Alibaba cluster-trace-v2017 <c>batch_task</c> file: a job arrives at the earliest
    /// <c>task_create_time</c> (seconds) of its tasks; arrivals are counted per <paramref name="bucket"/>, empty buckets
    /// are zero. Timestamps are the trace's seconds after the Unix epoch (the trace gives no calendar date).
    /// </summary>
    public static (List<DateTimeOffset> Timestamps, List<double> Values) ReadAlibabaArrivals(string path, TimeSpan bucket)
    {
        var firstByJob = new Dictionary<long, long>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < 3
                || !long.TryParse(cells[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var created)
                || !long.TryParse(cells[2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var job))
            {
                continue;
            }

            firstByJob[job] = firstByJob.TryGetValue(job, out var seen) ? Math.Min(seen, created) : created;
        }

        if (firstByJob.Count == 0)
        {
            throw new ArgumentException($"No job rows in {path}.");
        }

        long width = Math.Max(1, (long)bucket.TotalSeconds);
        long first = firstByJob.Values.Min() / width;
        long last = firstByJob.Values.Max() / width;
        var counts = new double[last - first + 1];
        foreach (var created in firstByJob.Values)
        {
            counts[(created / width) - first]++;
        }

        var ts = Enumerable.Range(0, counts.Length).Select(i => DateTimeOffset.UnixEpoch.AddSeconds((first + i) * width)).ToList();
        return (ts, [.. counts]);
    }

    /// <summary>Parses 30s, 5min, 1h, 1d (also 5m, 1H, 15T).</summary>
    public static TimeSpan ParseFrequency(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        int i = 0;
        while (i < t.Length && char.IsDigit(t[i]))
        {
            i++;
        }

        int n = i == 0 ? 1 : int.Parse(t[..i], CultureInfo.InvariantCulture);
        return t[i..] switch
        {
            "s" or "sec" => TimeSpan.FromSeconds(n),
            "min" or "m" or "t" => TimeSpan.FromMinutes(n),
            "h" or "hour" => TimeSpan.FromHours(n),
            "d" or "day" => TimeSpan.FromDays(n),
            _ => throw new ArgumentException($"Unknown frequency '{text}'; use e.g. 30s, 5min, 1h, 1d."),
        };
    }

    /// <summary>Windows labelled for the file whose name ends like <paramref name="dataPath"/> (empty if none).</summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> ReadWindows(string windowsPath, string dataPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(windowsPath));
        var name = Path.GetFileName(dataPath);
        var result = new List<(DateTimeOffset, DateTimeOffset)>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (Path.GetFileName(prop.Name) != name)
            {
                continue;
            }

            foreach (var w in prop.Value.EnumerateArray())
            {
                var from = DateTimeOffset.Parse(w[0].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                var to = DateTimeOffset.Parse(w[1].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                result.Add((from, to));
            }
        }

        return result;
    }
}
