using Xunit.Abstractions;
using System.Globalization;
using Foresight.Forecasting.Online;

namespace Foresight.Forecasting.Tests.Online;

/// <summary>
/// Page-Hinkley and ADWIN on synthetic error streams with a known change point: |N(0, 1)| (mean 0.80, a model's scaled
/// absolute errors while it fits) for 1,000 values, then |N(0, k)|. Twenty seeds each; detection delay (values from the
/// change to the first signal after it) and false alarms (signals before it, and on a stream without change) are
/// printed and bounded.
/// </summary>
public sealed class DriftDetectorTests(ITestOutputHelper output)
{
    private const int Change = 1000;
    private const int Length = 2000;
    private const int Seeds = 20;

    [Theory]
    [InlineData(DriftDetectors.PageHinkley, 2.0, 40, 2)]
    [InlineData(DriftDetectors.Adwin, 2.0, 60, 2)]
    [InlineData(DriftDetectors.PageHinkley, 1.5, 120, 2)]
    [InlineData(DriftDetectors.Adwin, 1.5, 200, 2)]
    public void Detects_an_increase_of_the_errors_within_the_delay_bound_with_few_false_alarms(string name, double factor, double maxMeanDelay, int maxFalseAlarms)
    {
        var delays = new List<int>();
        int falseAlarms = 0, missed = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var (before, first) = Run(DriftDetectors.Create(name), Errors(seed, factor, Change));
            falseAlarms += before;
            if (first is { } at)
            {
                delays.Add(at - Change);
            }
            else
            {
                missed++;
            }
        }

        var stationary = 0;
        for (var seed = 101; seed <= 100 + Seeds; seed++)
        {
            stationary += Run(DriftDetectors.Create(name), Errors(seed, 1.0, Length), Length).Before;
        }

        var mean = delays.Count == 0 ? double.NaN : delays.Average();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"detector={name} shift=x{factor} runs={Seeds} change_at={Change} mean_delay={mean:0.0} median_delay={Median(delays)} max_delay={(delays.Count == 0 ? 0 : delays.Max())} missed={missed} false_alarms_before_change={falseAlarms} (in {Seeds * Change} values) false_alarms_no_change={stationary} (in {Seeds * Length} values)"));
        Assert.Equal(0, missed);
        Assert.True(mean <= maxMeanDelay, $"mean delay {mean} above {maxMeanDelay}");
        Assert.True(delays.All(d => d >= 0));
        Assert.True(falseAlarms <= maxFalseAlarms, $"{falseAlarms} false alarms before the change");
        Assert.True(stationary <= maxFalseAlarms * 2, $"{stationary} false alarms without change");
    }

    [Fact]
    public void Falling_errors_are_no_drift_and_the_registry_names_the_known_detectors()
    {
        foreach (var name in DriftDetectors.Names)
        {
            var detector = DriftDetectors.Create(name);
            var signals = Errors(7, 0.3, Change).Count(detector.Add);
            Assert.Equal(0, signals);
            Assert.Equal(name, detector.Name);
        }

        var error = Assert.Throws<ArgumentException>(() => DriftDetectors.Create("cusum"));
        Assert.Contains("Unknown drift detector 'cusum'; known: page-hinkley, adwin", error.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => DriftDetectors.Create("adwin", new DriftSettings { AdwinDelta = 2 }));
        Assert.Equal(nameof(DriftSettings.AdwinDelta), bad.ParamName);
    }

    [Fact]
    public void Non_finite_values_are_ignored_and_a_detector_starts_afresh_after_a_signal()
    {
        var detector = DriftDetectors.Create(DriftDetectors.PageHinkley);
        Assert.False(detector.Add(double.NaN));
        Assert.False(detector.Add(double.PositiveInfinity));
        Assert.Equal(0, detector.Seen);
        var (_, first) = Run(detector, Errors(3, 3.0, Change));
        Assert.NotNull(first);
        Assert.True(detector.Seen < Length - first, $"{detector.Seen} values seen since the signal at {first}");
    }

    /// <summary>Signals before the change and the first one at or after it.</summary>
    private static (int Before, int? First) Run(IDriftDetector detector, double[] values, int change = Change)
    {
        int before = 0;
        for (var t = 0; t < values.Length; t++)
        {
            if (detector.Add(values[t]))
            {
                if (t < change)
                {
                    before++;
                }
                else
                {
                    return (before, t);
                }
            }
        }

        return (before, null);
    }

    /// <summary>|N(0, 1)| before <paramref name="change"/>, |N(0, factor)| from it on, <see cref="Length"/> values in all.</summary>
    private static double[] Errors(int seed, double factor, int change)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, Length).Select(t => Math.Abs(Synthetic.Gaussian(rng)) * (t < change ? 1 : factor))];
    }

    private static int Median(List<int> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);
}
