using System.Globalization;

namespace Foresight.Benchmarks;

/// <summary>Reads the wide M4 CSV files ("id","v1","v2",… one series per row, ragged).</summary>
internal static class M4Data
{
    public static List<(string Id, double[] Values)> Read(string path) =>
        [.. File.ReadLines(path).Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            var values = cells.Skip(1)
                .Select(c => c.Trim('"'))
                .Where(c => c.Length > 0)
                .Select(c => double.Parse(c, CultureInfo.InvariantCulture))
                .ToArray();
            return (cells[0].Trim('"'), values);
        })];
}
