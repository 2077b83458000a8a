using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Traces;

public class JobEventsCsvReaderTests
{
    [Fact]
    public void Parses_seconds_and_iso_times_and_skips_bad_rows_with_reasons()
    {
        const string csv = """
            submit_ts,duration_s,cpu,memory,labels
            0,10,1,512,linux;x64
            5,-3,1,512,
            7,,1,512,
            x,10,1,512
            9,10,1
            2024-01-01T00:00:10Z,5,0.5,256,linux
            """;
        var trace = JobEventsCsvReader.Read(new StringReader(csv));
        var d = trace.Diagnostics;
        Assert.Equal(6, d.RowsRead);
        Assert.Equal(2, trace.Jobs.Count);
        Assert.Equal(1, d.Skipped["negative duration_s"]);
        Assert.Equal(1, d.Skipped["missing or unparseable duration_s"]);
        Assert.Equal(1, d.Skipped["missing or unparseable submit_ts"]);
        Assert.Equal(1, d.Skipped["malformed row (expected 4 to 6 fields)"]);
        Assert.Equal(["linux", "x64"], trace.Jobs[0].Labels);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 10, TimeSpan.Zero), trace.Jobs[1].SubmitAt);
    }

    [Fact]
    public void Reads_an_optional_profile_column_and_skips_durations_too_long_for_a_timespan()
    {
        const string csv = """
            submit_ts,duration_s,cpu,memory,labels,profile
            0,10,1,512,linux,build-main
            1,1e300,1,512,linux,build-main
            2,20,1,512,linux,
            """;
        var trace = JobEventsCsvReader.Read(new StringReader(csv));

        Assert.Equal(2, trace.Jobs.Count);
        Assert.Equal(1, trace.Diagnostics.Skipped["duration longer than 365 days"]);
        Assert.Equal("build-main", TraceProfiles.KeyOf(trace.Jobs[0]));
        Assert.Equal(TraceProfiles.FamilyOf(trace.Jobs[1]), TraceProfiles.KeyOf(trace.Jobs[1]));
    }
}
