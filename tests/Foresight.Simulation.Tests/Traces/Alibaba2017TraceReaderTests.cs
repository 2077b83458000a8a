using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Traces;

public class Alibaba2017TraceReaderTests
{
    private const string Csv = """
        task_create_time, task_end_time, job_id, task_id,number_of_instances, status, number_of_cpus_requested_per_instance_in_the_task,normalized_memory_requested_per_instance_in_the_task
        100,160,1,1,5,Terminated,50,0.01
        90,100,1,2,1,Terminated,100,0.02
        100,90,1,3,1,Terminated,50,0.01
        100,200,1,4,1,Waiting,,
        100,200,1,5,1,Terminated,,
        100,200,1,6,1,Terminated,50

        abc,200,1,7,1,Terminated,50,0.01
        100,200,1,8,0,Terminated,50,0.01
        100,200,1,9,3,Failed,50,0.01
        100,20
        """;

    [Fact]
    public void Reads_terminated_tasks_and_counts_every_skipped_row_with_its_reason()
    {
        var trace = Alibaba2017TraceReader.Read(new StringReader(Csv), new Alibaba2017Options { MachineMemoryMb = 10000 });
        var d = trace.Diagnostics;

        Assert.Equal(10, d.RowsRead);
        Assert.Equal(2, d.Accepted);
        Assert.Equal(d.RowsRead, d.Accepted + d.SkippedTotal);
        Assert.Equal(1, d.Skipped["negative duration (end before create)"]);
        Assert.Equal(1, d.Skipped["status Waiting (only Terminated tasks have a duration)"]);
        Assert.Equal(1, d.Skipped["status Failed (only Terminated tasks have a duration)"]);
        Assert.Equal(1, d.Skipped["missing CPU or memory request"]);
        Assert.Equal(2, d.Skipped["malformed row (expected 8 fields)"]);
        Assert.Equal(1, d.Skipped["missing or unparseable create/end time"]);
        Assert.Equal(1, d.Skipped["missing or non-positive instance count"]);
        Assert.Contains(d.Notes, n => n.Contains("sorted", StringComparison.Ordinal));

        var first = trace.Jobs[0];
        Assert.Equal("1/2", first.Id);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(90), first.SubmitAt);
        Assert.Equal(TimeSpan.FromSeconds(10), first.Duration);
        Assert.Equal(1.0, first.Request.Cpu);
        Assert.Equal(200, first.Request.MemoryMb);
        Assert.Equal(5, trace.Jobs[1].Instances);
        Assert.Equal(0.5, trace.Jobs[1].Request.Cpu);
    }

    [Fact]
    public void Works_without_a_header()
    {
        var trace = Alibaba2017TraceReader.Read(new StringReader("6459,6524,3,4,15740,Terminated,50,0.007956928\n"));
        Assert.Single(trace.Jobs);
        Assert.Equal(TimeSpan.FromSeconds(65), trace.Jobs[0].Duration);
        Assert.Equal(15740, trace.Jobs[0].Instances);
    }
}
