using System.Globalization;

namespace Foresight.Load;

/// <summary>
/// The benchmark regression gate: a run's final line (<c>name=value …</c>) against the last run recorded in a
/// history file (one recorded line per run, oldest first, optionally after a leading date). A figure regresses when
/// it is worse than the recorded one by more than the tolerance: lower is better for times, sizes and percentiles
/// (<c>_ms</c>, <c>_seconds</c>, <c>_mb</c>, <c>_bytes</c>, <c>p50</c>…), higher for everything else (rates,
/// ratios). Figures present on one side only are reported, not judged.
/// </summary>
public static class RegressionGate
{
    /// <summary>The default tolerance: the shared 2-core machine's run-to-run spread (benchmarks/README.md) is up to ±25 %.</summary>
    public const double DefaultTolerance = 0.25;

    /// <summary>One figure compared.</summary>
    public sealed record Comparison(string Name, double? Recorded, double? Current, bool LowerIsBetter, bool Regressed)
    {
        public override string ToString()
        {
            if (Recorded is not { } r || Current is not { } c)
            {
                return Inv($"{Name}: {(Recorded is null ? "new" : "missing")} (recorded {Show(Recorded)}, now {Show(Current)})");
            }

            var change = r == 0 ? 0 : (c - r) / Math.Abs(r);
            return Inv($"{Name}: {r:0.###} -> {c:0.###} ({change:+0.0%;-0.0%;0.0%}, {(LowerIsBetter ? "lower" : "higher")} is better){(Regressed ? "  REGRESSED" : "")}");
        }

        private static string Show(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>The figures of a <c>name=value …</c> line; words without '=' or with a non-number value are skipped.</summary>
    public static IReadOnlyDictionary<string, double> Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Split('=', 2) is [var name, var text] && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                figures[name] = value;
            }
        }

        return figures;
    }

    /// <summary>The last line of <paramref name="lines"/> that carries figures (a benchmark's output, or a history file).</summary>
    public static string? LastResultLine(IEnumerable<string> lines) => lines.LastOrDefault(l => Parse(l).Count > 0);

    public static bool LowerIsBetter(string name) =>
        name.EndsWith("_ms", StringComparison.Ordinal) || name.EndsWith("_seconds", StringComparison.Ordinal)
        || name.EndsWith("_mb", StringComparison.Ordinal) || name.EndsWith("_bytes", StringComparison.Ordinal)
        || name.Contains("latency", StringComparison.Ordinal) || name is "p50" or "p95" or "p99";

    /// <summary>Every figure of either line, judged against <paramref name="tolerance"/> (0.25 = 25 % worse is still a pass).</summary>
    public static IReadOnlyList<Comparison> Compare(string recorded, string current, double tolerance)
    {
        var before = Parse(recorded);
        var now = Parse(current);
        return
        [
            .. before.Keys.Union(now.Keys).Select(name =>
            {
                var lower = LowerIsBetter(name);
                var (r, c) = (before.TryGetValue(name, out var x) ? x : (double?)null, now.TryGetValue(name, out var y) ? y : (double?)null);
                var regressed = r is { } a && c is { } b && (lower ? b > a * (1 + tolerance) : b < a * (1 - tolerance));
                return new Comparison(name, r, c, lower, regressed);
            }),
        ];
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
