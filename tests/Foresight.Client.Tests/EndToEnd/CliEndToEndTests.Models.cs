namespace Foresight.Client.Tests.EndToEnd;

/// <summary><c>foresight models …</c> against the real server: the views, and refusals naming the field with exit code 2.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task Models_list_and_show_print_the_pools_models_and_bad_input_exits_2_naming_the_field()
    {
        var list = await Foresight("models", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"(?m)^\s*default\s+-\s", list.Output);
        Assert.Matches(@"(?m)^pools=\d+", list.Output);

        var show = await Foresight("models", "show", "default");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("key=load/default champion=none candidate=none versions=0", show.Output, StringComparison.Ordinal);

        var promote = await Foresight("models", "promote", "default", "7");
        Assert.Equal(2, promote.ExitCode);
        Assert.Contains("field: version", promote.Error, StringComparison.Ordinal);
        Assert.Contains("the pool 'default' has no model version 7", promote.Error, StringComparison.Ordinal);

        var rollback = await Foresight("models", "rollback", "default");
        Assert.Equal(2, rollback.ExitCode);
        Assert.Contains("field: pool", rollback.Error, StringComparison.Ordinal);
        Assert.Contains("no candidate under test and no earlier champion", rollback.Error, StringComparison.Ordinal);

        var shadow = await Foresight("models", "shadow", "default", "--forecaster", "nope");
        Assert.Equal(2, shadow.ExitCode);
        Assert.Contains("field: forecaster", shadow.Error, StringComparison.Ordinal);

        var usage = await Foresight("models", "promote", "default", "latest");
        Assert.Equal(2, usage.ExitCode);
    }
}
