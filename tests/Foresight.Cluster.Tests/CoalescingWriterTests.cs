using Foresight.Grains.Storage;

namespace Foresight.Cluster.Tests;

/// <summary>The writer a reentrant grain coalesces its state writes with: never two writes at once, and every caller
/// answered by a write that started after its change.</summary>
public sealed class CoalescingWriterTests
{
    [Fact]
    public async Task A_caller_between_the_end_of_a_write_and_the_start_of_the_queued_one_joins_the_queued_one()
    {
        var grain = new TurnScheduler();
        var writes = new List<TaskCompletionSource>();
        var running = 0;
        var mostAtOnce = 0;
        var writer = new CoalescingWriter(async () =>
        {
            running++;
            mostAtOnce = Math.Max(mostAtOnce, running);
            var done = new TaskCompletionSource();
            writes.Add(done);
            await done.Task;
            running--;
        });

        // A's write starts; B changes state while it runs and is queued behind it.
        var a = grain.Run(writer.WriteAsync);
        var b = grain.Run(writer.WriteAsync);
        grain.RunAll();
        Assert.Single(writes);

        // A's write completes. Before the queued write's turn comes, C changes state and asks for a write.
        writes[0].SetResult();
        grain.RunOne();
        var c = grain.Run(writer.WriteAsync);
        grain.RunAll();

        Assert.Equal(2, writes.Count);
        Assert.Equal(1, mostAtOnce);
        writes[1].SetResult();
        grain.RunAll();
        await Task.WhenAll(a.Unwrap(), b.Unwrap(), c.Unwrap()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, writes.Count);
    }

    [Fact]
    public async Task Callers_during_a_write_share_the_next_one_and_a_caller_after_both_gets_its_own()
    {
        var grain = new TurnScheduler();
        var writes = new List<TaskCompletionSource>();
        var writer = new CoalescingWriter(() =>
        {
            var done = new TaskCompletionSource();
            writes.Add(done);
            return done.Task;
        });

        var first = grain.Run(writer.WriteAsync);
        grain.RunAll();
        var second = grain.Run(writer.WriteAsync);
        var third = grain.Run(writer.WriteAsync);
        grain.RunAll();
        Assert.Single(writes);

        writes[0].SetResult();
        grain.RunAll();
        Assert.Equal(2, writes.Count);
        Assert.True(first.Unwrap().IsCompletedSuccessfully);
        Assert.False(second.Unwrap().IsCompleted);

        writes[1].SetResult();
        grain.RunAll();
        await Task.WhenAll(second.Unwrap(), third.Unwrap()).WaitAsync(TimeSpan.FromSeconds(10));

        var fourth = grain.Run(writer.WriteAsync);
        grain.RunAll();
        Assert.Equal(3, writes.Count);
        writes[2].SetResult();
        grain.RunAll();
        await fourth.Unwrap().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A grain's turns, run one at a time when the test says so: nothing runs inline, so the test decides
    /// the order in which queued continuations and incoming calls take their turns.</summary>
    private sealed class TurnScheduler : TaskScheduler
    {
        private readonly Queue<Task> _turns = new();

        public Task<Task> Run(Func<Task> call) => Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, this);

        public void RunOne()
        {
            Task next;
            lock (_turns)
            {
                Assert.NotEmpty(_turns);
                next = _turns.Dequeue();
            }

            Execute(next);
        }

        public void RunAll()
        {
            while (true)
            {
                Task next;
                lock (_turns)
                {
                    if (!_turns.TryDequeue(out next!))
                    {
                        return;
                    }
                }

                Execute(next);
            }
        }

        // The test runner's synchronization context would take the awaits' continuations away from this scheduler.
        private void Execute(Task task)
        {
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                TryExecuteTask(task);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        protected override void QueueTask(Task task)
        {
            lock (_turns)
            {
                _turns.Enqueue(task);
            }
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks()
        {
            lock (_turns)
            {
                return [.. _turns];
            }
        }
    }
}
