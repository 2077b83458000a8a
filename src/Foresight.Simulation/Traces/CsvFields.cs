using System.Globalization;

namespace Foresight.Simulation.Traces;

/// <summary>Small helpers the trace readers share for splitting and parsing CSV fields.</summary>
internal static class CsvFields
{
    /// <summary>Longest duration a reader accepts (a year); longer ones are skipped with a reason, never overflow a TimeSpan.</summary>
    public const double MaxDurationSeconds = 365 * 24 * 3600;

    public const string TooLong = "duration longer than 365 days";

    public static bool TryDouble(string s, out double value) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    public static bool TryLong(string s, out long value) =>
        long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static bool IsBlank(string line) => string.IsNullOrWhiteSpace(line);
}
