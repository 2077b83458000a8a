using Foresight.Workflows.Dag;

namespace Foresight.Workflows.Tests;

public sealed class DagValidatorTests
{
    private static (string, IReadOnlyList<string>) Job(string key, params string[] needs) => (key, needs);

    [Fact]
    public void A_valid_graph_comes_back_in_an_order_where_needs_come_first()
    {
        var check = DagValidator.Check([Job("deploy", "test"), Job("test", "build"), Job("build"), Job("lint")]);

        Assert.True(check.IsValid);
        Assert.True(check.Order.ToList().IndexOf("build") < check.Order.ToList().IndexOf("test"));
        Assert.True(check.Order.ToList().IndexOf("test") < check.Order.ToList().IndexOf("deploy"));
        Assert.Equal(4, check.Order.Count);
    }

    [Theory]
    [InlineData("cycle")]
    [InlineData("unknown")]
    [InlineData("duplicate")]
    [InlineData("empty")]
    public void Invalid_graphs_are_refused_with_the_jobs_named(string kind)
    {
        var check = kind switch
        {
            "cycle" => DagValidator.Check([Job("a", "c"), Job("b", "a"), Job("c", "b"), Job("d")]),
            "unknown" => DagValidator.Check([Job("a", "ghost")]),
            "duplicate" => DagValidator.Check([Job("a"), Job("a")]),
            _ => DagValidator.Check([]),
        };

        Assert.False(check.IsValid);
        var expected = kind switch
        {
            "cycle" => "the needs of jobs 'a', 'b', 'c' form a cycle",
            "unknown" => "job 'a' needs unknown job 'ghost'",
            "duplicate" => "job 'a' is defined twice",
            _ => "a workflow needs at least one job",
        };
        Assert.Equal(expected, check.Error);
    }
}
