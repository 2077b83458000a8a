using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Traces;

public class DemandCurveTraceReaderTests
{
    /// <summary>Scale 10: 0.5 → 5 jobs; 0.25 → 2 (carry 0.5); 0.3 + carry → 3 (carry 0.5): 10 jobs in all.</summary>
    [Fact]
    public void Turns_values_into_arrivals_by_the_stated_scale_and_counts_bad_rows()
    {
        const string csv = """
            timestamp,value
            2014-02-14 14:30:00,0.5
            2014-02-14 14:35:00,0.25
            not a time,0.4
            2014-02-14 14:40:00,-1
            2014-02-14 14:40:00,0.3
            """;
        var trace = DemandCurveTraceReader.Read(new StringReader(csv), new DemandCurveOptions { JobsPerUnit = 10 });
        Assert.Equal(10, trace.Jobs.Count);
        Assert.Equal(5, trace.Diagnostics.RowsRead);
        Assert.Equal(1, trace.Diagnostics.Skipped["unparseable timestamp"]);
        Assert.Equal(1, trace.Diagnostics.Skipped["negative value"]);
        var firstInterval = trace.Jobs.Take(5).Select(j => j.SubmitAt.Minute * 60 + j.SubmitAt.Second);
        Assert.Equal([30 * 60, (30 * 60) + 60, (30 * 60) + 120, (30 * 60) + 180, (30 * 60) + 240], firstInterval);
    }
}
