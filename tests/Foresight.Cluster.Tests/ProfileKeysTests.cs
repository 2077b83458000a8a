using System.Security.Cryptography;
using System.Text;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Profiles;

namespace Foresight.Cluster.Tests;

/// <summary>A job without a profile is keyed by <c>cmd-</c> and the first 16 hex digits of its command's SHA-256,
/// whatever the command's length or characters; a profile named in the spec is its key.</summary>
public sealed class ProfileKeysTests
{
    [Theory]
    [InlineData("")]
    [InlineData("make test")]
    [InlineData("échec → ✓ 測試")]
    [InlineData(null)]
    public void A_command_is_keyed_by_the_head_of_its_hash(string? command)
    {
        Assert.Equal(Expected(command ?? ""), ProfileKeys.Of(new JobSpec("j", command!, [])));
    }

    [Fact]
    public void A_command_longer_than_a_kilobyte_is_keyed_the_same_way()
    {
        var command = string.Concat(Enumerable.Repeat("ünïcode-", 400));
        Assert.Equal(Expected(command), ProfileKeys.Of(new JobSpec("j", command, [])));
    }

    [Fact]
    public void A_named_profile_is_the_key()
    {
        Assert.Equal("wf/build", ProfileKeys.Of(new JobSpec("j", "make", []) { Profile = "wf/build" }));
    }

    private static string Expected(string command) =>
        "cmd-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(command)))[..16];
}
