using System.Text;
using Foresight.Execution.Masking;

namespace Foresight.Execution.Tests;

/// <summary>Secret values become *** in output, whole or in pieces.</summary>
public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("token=hunter2!", "token=***")]
    [InlineData("hunter2! and hunter2! again", "*** and *** again")]
    [InlineData("nothing secret here", "nothing secret here")]
    [InlineData("", "")]
    [InlineData("hunter2", "hunter2")]
    public void Every_occurrence_of_a_value_is_masked(string text, string expected)
    {
        var masker = new SecretMasker(["hunter2!"]);

        Assert.Equal(expected, masker.Apply(text));
    }

    [Fact]
    public void Values_shorter_than_three_characters_and_empty_ones_are_not_masked()
    {
        var masker = new SecretMasker(["ab", "", "x"]);

        Assert.True(masker.IsEmpty);
        Assert.Equal("ab x abc", masker.Apply("ab x abc"));
        Assert.Equal("a***b", new SecretMasker(["abc"]).Apply("aabcb"));
    }

    [Theory]
    [InlineData("xabcdx", "x***x")] // overlapping values: nothing of either leaks
    [InlineData("abcdefg", "***g")] // one value is a prefix of another: the longest wins
    [InlineData("abcabc", "***")] // adjacent occurrences: one mask
    [InlineData("ab-cd", "ab-cd")]
    public void Overlapping_prefixed_and_adjacent_values_become_one_mask(string text, string expected)
    {
        var masker = new SecretMasker(["abc", "bcd", "abcdef"]);

        Assert.Equal(expected, masker.Apply(text));
    }

    [Fact]
    public void A_multi_line_value_is_masked_whole_and_line_by_line()
    {
        var masker = new SecretMasker(["-----BEGIN KEY-----\r\nMIIEpAIBAAKCAQEA\n  indented-line  \n-----END KEY-----"]);

        Assert.Equal("***", masker.Apply("-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\n  indented-line  \n-----END KEY-----"));
        Assert.Equal("key: ***", masker.Apply("key: MIIEpAIBAAKCAQEA"));
        Assert.Equal("[***]", masker.Apply("[indented-line]"));
        Assert.Equal("***", masker.Apply("-----END KEY-----"));
    }

    [Fact]
    public void Special_characters_and_unicode_are_matched_literally()
    {
        var masker = new SecretMasker(["p@ss.w*rd(1)", "пароль🔑"]);

        Assert.Equal("a *** b *** c pXss.w*rd(1)", masker.Apply("a p@ss.w*rd(1) b пароль🔑 c pXss.w*rd(1)"));
    }

    [Fact]
    public void A_value_split_across_two_pieces_is_masked()
    {
        var stream = new SecretMasker(["SECRET-VALUE"]).CreateStream();

        var first = stream.Push("start SECRET-", complete: false);
        var second = stream.Push("VALUE end", complete: true);

        Assert.DoesNotContain("SECRET", first, StringComparison.Ordinal);
        Assert.Equal("start *** end", first + second);
    }

    [Fact]
    public void A_piece_holds_back_no_more_than_a_value_could_need()
    {
        var masker = new SecretMasker(["0123456789"]);
        var stream = masker.CreateStream();

        var out1 = stream.Push(new string('a', 100), complete: false);

        Assert.Equal(91, out1.Length);
        Assert.Equal(masker.Longest - 1, stream.Pending);
        Assert.Equal(new string('a', 9), stream.Push("", complete: true));
        Assert.Equal(0, stream.Pending);
    }

    [Fact]
    public void A_mask_running_across_a_cut_is_continued_not_repeated()
    {
        var stream = new SecretMasker(["aaaa"]).CreateStream();
        var output = new StringBuilder();

        foreach (var piece in new[] { "x", "aaa", "aaa", "aaa", "aa", "y" })
        {
            output.Append(stream.Push(piece, complete: false));
        }

        output.Append(stream.Push("", complete: true));

        Assert.Equal("x***y", output.ToString());
    }

    [Fact]
    public void Without_secrets_pieces_pass_through_untouched()
    {
        var stream = SecretMasker.None.CreateStream();

        Assert.Equal("abc", stream.Push("abc", complete: false));
        Assert.Equal(0, stream.Pending);
    }

    [Fact]
    public void Pieces_at_any_cut_give_exactly_what_the_whole_text_gives_and_never_a_value()
    {
        var random = new Random(1234);
        string[] secrets = ["tok3n-ABC", "ABC-xyz", "zzz", "multi\nline-part", "k3y"];
        var masker = new SecretMasker(secrets);
        var alphabet = "abcxyzABC-k3ytoknz \u00e9";
        for (var round = 0; round < 2000; round++)
        {
            var text = new StringBuilder();
            var parts = random.Next(1, 12);
            for (var p = 0; p < parts; p++)
            {
                if (random.Next(3) == 0)
                {
                    var secret = secrets[random.Next(secrets.Length)];
                    text.Append(secret.Contains('\n', StringComparison.Ordinal) ? secret.Split('\n')[random.Next(2)] : secret);
                }
                else
                {
                    for (var i = random.Next(0, 8); i > 0; i--)
                    {
                        text.Append(alphabet[random.Next(alphabet.Length)]);
                    }
                }
            }

            var whole = text.ToString();
            var expected = masker.Apply(whole);
            var stream = masker.CreateStream();
            var streamed = new StringBuilder();
            var at = 0;
            while (at < whole.Length)
            {
                var length = Math.Min(whole.Length - at, random.Next(1, 6));
                streamed.Append(stream.Push(whole.Substring(at, length), complete: false));
                Assert.True(stream.Pending < masker.Longest + masker.Longest, $"held back {stream.Pending}");
                at += length;
            }

            streamed.Append(stream.Push("", complete: true));
            Assert.Equal(expected, streamed.ToString());
            foreach (var value in new[] { "tok3n-ABC", "ABC-xyz", "zzz", "line-part", "k3y" })
            {
                Assert.DoesNotContain(value, expected, StringComparison.Ordinal);
            }
        }
    }
}
