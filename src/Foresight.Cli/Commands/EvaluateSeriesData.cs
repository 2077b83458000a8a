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
