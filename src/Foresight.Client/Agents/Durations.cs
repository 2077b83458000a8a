using System.Globalization;

namespace Foresight.Client.Agents;

/// <summary>Durations as agents and the agent protocol write them.</summary>
public static class Durations
{
    /// <summary>A duration: <c>90</c> or <c>90s</c> (seconds), <c>10m</c>, <c>1h</c>, <c>500ms</c>, or <c>hh:mm:ss</c>;
    /// <paramref name="fallback"/> when empty.</summary>
    /// <exception cref="FormatException">Not a positive duration; the message names <paramref name="flag"/>.</exception>
    public static TimeSpan Parse(string? text, string flag, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        text = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && !(suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                return TimeSpan.FromSeconds(n * seconds);
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain > 0)
        {
            return TimeSpan.FromSeconds(plain);
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"{flag} '{text}' is not a positive duration (e.g. 90s, 10m, 1h or 00:10:00)");
    }
}
