namespace Foresight.Server.Tests.Support;

/// <summary>Waits on a condition with a deadline instead of sleeping for a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        using var cts = new CancellationTokenSource(deadline);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"{what} not reached within {deadline}; last: {last}");
            }

            await Task.Delay(25, CancellationToken.None);
        }
    }
}
