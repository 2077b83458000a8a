using System.Globalization;

namespace Foresight.Cli.Commands;

/// <summary>Readers for the M4 wide CSVs (id, then values; trailing cells empty) and the statsmodels peer CSV.</summary>
internal static class EvaluateM4Data
{
    public static List<(string Id, double[] Values)> ReadWide(string path)
    {
        var rows = new List<(string, double[])>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            var values = cells.Skip(1).Select(c => c.Trim('"')).Where(c => c.Length > 0)
                .Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            rows.Add((cells[0].Trim('"'), values));
        }

        return rows;
    }

    /// <summary>Peer rows: model,id,seconds,guarded,f1..fh.</summary>
    public static List<(string Model, string Id, double Seconds, bool Guarded, double[] Forecast)> ReadPeer(string path)
    {
        var rows = new List<(string, string, double, bool, double[])>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < 5)
            {
                continue;
            }

            var f = cells.Skip(4).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            rows.Add((cells[0], cells[1], double.Parse(cells[2], CultureInfo.InvariantCulture), cells[3] == "1", f));
        }

        return rows;
    }
}
