namespace Foresight.Cluster.Tests.Support;

/// <summary>Waits on a condition with a deadline instead of sleeping for a fixed time.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string>? describe = null)
    {
        using var cts = new CancellationTokenSource(deadline);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"condition not met within {deadline}: {describe?.Invoke() ?? "no detail"}");
            }

            await Task.Delay(25, CancellationToken.None);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan deadline, Func<string>? describe = null) =>
        HoldsAsync(() => Task.FromResult(condition()), deadline, describe);
}
