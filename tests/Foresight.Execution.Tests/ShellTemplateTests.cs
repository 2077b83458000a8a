namespace Foresight.Execution.Tests;

/// <summary>Step shells as GitHub Actions defines them.</summary>
public sealed class ShellTemplateTests
{
    [Theory]
    [InlineData("bash", "bash --noprofile --norc -eo pipefail {0}", ".sh")]
    [InlineData("sh", "sh -e {0}", ".sh")]
    [InlineData("python", "python {0}", ".py")]
    [InlineData("pwsh", "pwsh -command \". '{0}'\"", ".ps1")]
    [InlineData("perl {0}", "perl {0}", ".sh")]
    [InlineData("bash -x", "bash -x {0}", ".sh")]
    public void Named_shells_and_custom_templates_resolve(string shell, string template, string extension)
    {
        var resolved = ShellTemplate.Resolve(shell);

        Assert.Equal(template, resolved.Template);
        Assert.Equal(extension, resolved.ScriptExtension);
    }

    [Fact]
    public void No_shell_means_bash_where_installed_else_sh()
    {
        Assert.Equal("bash -e {0}", ShellTemplate.Resolve(null, _ => true).Template);
        Assert.Equal("sh -e {0}", ShellTemplate.Resolve(null, _ => false).Template);
        Assert.Equal("sh -e {0}", ShellTemplate.Resolve("  ", _ => false).Template);
    }

    [Fact]
    public void Build_puts_the_script_path_in_place_of_the_placeholder_keeping_quoted_words_whole()
    {
        var (program, arguments) = ShellTemplate.Resolve("pwsh").Build("/tmp/a dir/step-1.ps1");

        Assert.Equal("pwsh", program);
        Assert.Equal(["-command", ". '/tmp/a dir/step-1.ps1'"], arguments);
        Assert.Equal(["--noprofile", "--norc", "-eo", "pipefail", "/w/s.sh"], ShellTemplate.Resolve("bash").Build("/w/s.sh").Arguments);
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("a 'b c' \"d e\"", new[] { "a", "b c", "d e" })]
    [InlineData("x''y", new[] { "xy" })]
    [InlineData("''", new[] { "" })]
    public void Templates_split_into_words(string template, string[] words) =>
        Assert.Equal(words, ShellTemplate.Split(template));

    [Fact]
    public void An_unbalanced_quote_is_a_format_error_naming_the_shell()
    {
        var error = Assert.Throws<FormatException>(() => ShellTemplate.Resolve("bash -c 'oops {0}").Build("/s"));

        Assert.Contains("bash -c 'oops {0}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bash_and_sh_are_found_on_the_path()
    {
        Assert.True(ShellTemplate.IsOnPath("sh"));
        Assert.False(ShellTemplate.IsOnPath("no-such-program-" + Guid.NewGuid().ToString("n")));
    }
}
