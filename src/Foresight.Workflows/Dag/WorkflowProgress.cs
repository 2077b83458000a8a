using Foresight.Scheduling.Jobs;

namespace Foresight.Workflows.Dag;

/// <summary>A job of a run as the run semantics see it.</summary>
/// <param name="Key">Unique in the run.</param>
/// <param name="Needs">Keys of the jobs it waits for.</param>
/// <param name="Condition">Its <c>if</c> (see <see cref="JobCondition"/>).</param>
/// <param name="ContinueOnError">Its failure neither fails the run nor counts as a failure for the jobs behind it.</param>
/// <param name="MatrixGroup">The matrix it was expanded from, if any.</param>
/// <param name="FailFast">A failure in its matrix group cancels the group's other jobs.</param>
/// <param name="MaxParallel">At most this many jobs of its matrix group released and not ended at once.</param>
public sealed record RunJob(
    string Key,
    IReadOnlyList<string> Needs,
    string Condition = "success()",
    bool ContinueOnError = false,
    string? MatrixGroup = null,
    bool FailFast = false,
    int? MaxParallel = null)
{
    /// <summary>The job calls a reusable workflow: it needs the called jobs (keyed <c>key / job</c>) and the caller's
    /// needs. For the jobs after it, it stands for the called workflow: their status functions do not look inside it.</summary>
    public bool Call { get; init; }
}

/// <summary>Where a run is: each job's state, which of the ended jobs were skipped (their condition was false), and whether the run was cancelled.</summary>
public sealed record RunSnapshot(IReadOnlyDictionary<string, JobState> States, IReadOnlySet<string> Skipped, bool Cancelled)
{
    /// <summary>The outputs of the jobs that ended, by key, for <c>needs.&lt;id&gt;.outputs</c> in a condition.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Outputs { get; init; }

    public RunSnapshot(IReadOnlyDictionary<string, JobState> states)
        : this(states, new HashSet<string>(), false)
    {
    }
}

/// <summary>What the run does next.</summary>
/// <param name="Start">Release these (submit them): every need ended and the condition holds.</param>
/// <param name="Skip">These end without running (state Cancelled, reason "skipped"): every need ended and the condition is false.</param>
/// <param name="CancelPending">Not yet released, cancelled by fail-fast: end them as Cancelled without running.</param>
/// <param name="CancelRunning">Released and not ended, cancelled by fail-fast: ask their JobGrain to cancel.</param>
public sealed record WorkflowStep(
    IReadOnlyList<string> Start,
    IReadOnlyList<string> Skip,
    IReadOnlyList<string> CancelPending,
    IReadOnlyList<string> CancelRunning)
{
    /// <summary>For each job in <see cref="CancelPending"/> and <see cref="CancelRunning"/>, the matrix whose failure
    /// cancelled it (for a job of a called workflow, the matrix of the calling job).</summary>
    public IReadOnlyDictionary<string, string> FailFastGroups { get; init; } = new Dictionary<string, string>();
}

/// <summary>How a run ended.</summary>
public enum WorkflowOutcome
{
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// The run semantics of a workflow, pure so the WorkflowGrain and any replay make the same decisions, following
/// GitHub Actions:
/// <list type="bullet">
/// <item>A pending job is decided once every job it needs has ended: released when its condition holds, skipped
/// otherwise. The default condition <c>success()</c> holds when every ancestor (needs, transitively) succeeded
/// (a failure with continue-on-error counts as success) and the run is not cancelled; <c>failure()</c> when some
/// ancestor failed or timed out without continue-on-error; <c>cancelled()</c> when the run was cancelled;
/// <c>always()</c> always. A skipped or cancelled ancestor is not a success.</item>
/// <item>Matrix <c>fail-fast</c>: once a job of the group failed (without continue-on-error), the group's jobs not
/// yet released end as cancelled and those in flight are cancelled. A matrix of a job that calls a reusable workflow
/// is a group of calls: once one call failed, the other calls' jobs not yet released end as cancelled and those in
/// flight are cancelled.</item>
/// <item>Matrix <c>max-parallel</c>: at most that many jobs of a group are released and not ended at once; for a
/// group of calls, at most that many calls have a called job released and have not ended.</item>
/// <item>The run failed if a job failed or timed out without continue-on-error; otherwise it was cancelled if the
/// run or one of its (not skipped) jobs was cancelled; otherwise it succeeded.</item>
/// </list>
/// </summary>
public static class WorkflowProgress
{
    public static WorkflowStep Next(IReadOnlyList<RunJob> jobs, RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(run);
        var view = new RunView(jobs, run);
        var start = new List<string>();
        var skip = new List<string>();
        var cancelPending = new List<string>();
        var cancelRunning = new List<string>();
        var failFastGroups = new Dictionary<string, string>(StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var group in jobs.Where(j => j is { MatrixGroup: not null, FailFast: true }).GroupBy(j => j.MatrixGroup!))
            {
                if (!group.Any(view.FailedRun))
                {
                    continue;
                }

                foreach (var member in group)
                {
                    // A member that calls a reusable workflow stands for the called jobs too. Not yet started, all of it
                    // ends; started, its jobs not yet released end and those in flight are cancelled, and the caller's
                    // job waits for them to end as usual (the run then ends it, cancelled).
                    var started = member.Call && view.Started(member);
                    foreach (var key in view.Unit(member))
                    {
                        var state = view.States[key];
                        var call = view.IsCall(key);
                        if (state == JobState.Pending && !(call && started))
                        {
                            view.States[key] = JobState.Cancelled;
                            cancelPending.Add(key);
                            failFastGroups[key] = group.Key;
                            changed = true;
                        }
                        else if (!call && state != JobState.Pending && !JobStateMachine.IsTerminal(state) && !cancelRunning.Contains(key))
                        {
                            cancelRunning.Add(key);
                            failFastGroups[key] = group.Key;
                        }
                    }
                }
            }

            foreach (var job in jobs)
            {
                if (view.States[job.Key] != JobState.Pending || !job.Needs.All(n => JobStateMachine.IsTerminal(view.States[n])))
                {
                    continue;
                }

                if (!Holds(job, view.StatusOf(job)))
                {
                    view.States[job.Key] = JobState.Cancelled;
                    view.Skipped.Add(job.Key);
                    skip.Add(job.Key);
                    changed = true;
                }
                else if (view.MayStart(job))
                {
                    view.States[job.Key] = JobState.Queued;
                    start.Add(job.Key);
                }
            }
        }
        while (changed);

        return new WorkflowStep(start, skip, cancelPending, cancelRunning) { FailFastGroups = failFastGroups };
    }

    /// <summary>
    /// When the run is cancelled: the released jobs to cancel — those whose condition no longer holds once the run is
    /// cancelled (a job with <c>always()</c> or <c>cancelled()</c> keeps running, as on GitHub).
    /// </summary>
    public static IReadOnlyList<string> ToCancel(IReadOnlyList<RunJob> jobs, RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(run);
        var view = new RunView(jobs, run with { Cancelled = true });
        return [.. jobs
            .Where(j => view.States[j.Key] is not JobState.Pending && !JobStateMachine.IsTerminal(view.States[j.Key]))
            .Where(j => !Holds(j, view.StatusOf(j)))
            .Select(j => j.Key)];
    }

    /// <summary>Null while some job has not ended; then how the run ended.</summary>
    public static WorkflowOutcome? Outcome(IReadOnlyList<RunJob> jobs, RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(run);
        if (!jobs.All(j => JobStateMachine.IsTerminal(run.States[j.Key])))
        {
            return null;
        }

        var view = new RunView(jobs, run);
        if (jobs.Any(view.FailedRun))
        {
            return WorkflowOutcome.Failed;
        }

        return run.Cancelled || jobs.Any(j => run.States[j.Key] == JobState.Cancelled && !run.Skipped.Contains(j.Key))
            ? WorkflowOutcome.Cancelled
            : WorkflowOutcome.Succeeded;
    }

    /// <summary>Null when every condition can be evaluated at run time, else the first problem, naming the job.</summary>
    public static string? CheckConditions(IReadOnlyList<RunJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var job in jobs)
        {
            if (JobCondition.Parse(job.Condition, out var error) is null)
            {
                return $"job '{job.Key}': {error}";
            }
        }

        return null;
    }

    private static bool Holds(RunJob job, JobStatus status) =>
        JobCondition.Parse(job.Condition, out _) is { } condition && condition.Evaluate(status);

    /// <summary>A working copy of the run's state with the questions the rules ask of it.</summary>
    private sealed class RunView
    {
        private readonly Dictionary<string, RunJob> _jobs;
        private readonly Dictionary<string, HashSet<string>> _ancestors = new(StringComparer.Ordinal);
        private readonly bool _cancelled;
        private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? _outputs;
        private readonly Dictionary<string, List<RunJob>> _groups;
        private readonly Dictionary<string, List<string>> _called = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<RunJob>> _enclosing = new(StringComparer.Ordinal);

        public RunView(IReadOnlyList<RunJob> jobs, RunSnapshot run)
        {
            _jobs = jobs.ToDictionary(j => j.Key, StringComparer.Ordinal);
            States = new Dictionary<string, JobState>(run.States, StringComparer.Ordinal);
            Skipped = new HashSet<string>(run.Skipped, StringComparer.Ordinal);
            _cancelled = run.Cancelled;
            _outputs = run.Outputs;
            _groups = jobs.Where(j => j.MatrixGroup is not null).GroupBy(j => j.MatrixGroup!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            // The called jobs of each calling matrix member, and for each job the calling members it is under.
            foreach (var caller in jobs.Where(j => j is { Call: true, MatrixGroup: not null }))
            {
                var prefix = caller.Key + " / ";
                var called = jobs.Where(j => j.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(j => j.Key).ToList();
                _called[caller.Key] = called;
                foreach (var key in called)
                {
                    (_enclosing.TryGetValue(key, out var list) ? list : _enclosing[key] = []).Add(caller);
                }
            }
        }

        public Dictionary<string, JobState> States { get; }

        public HashSet<string> Skipped { get; }

        /// <summary>Ended in failure that counts: failed or timed out without continue-on-error.</summary>
        public bool FailedRun(RunJob job) => States[job.Key] is JobState.Failed or JobState.TimedOut && !job.ContinueOnError;

        public bool IsCall(string key) => _jobs[key].Call;

        /// <summary>A matrix member and, when it calls a reusable workflow, the called jobs (keyed <c>member / …</c>).</summary>
        public IReadOnlyList<string> Unit(RunJob member) =>
            member.Call && _called.TryGetValue(member.Key, out var called) ? [member.Key, .. called] : [member.Key];

        /// <summary>A calling member one of whose called jobs was released (or has ended).</summary>
        public bool Started(RunJob member) =>
            _called.TryGetValue(member.Key, out var called) && called.Exists(k => States[k] != JobState.Pending);

        /// <summary>
        /// Whether <c>max-parallel</c> lets a job whose needs have ended and whose condition holds be released: a member
        /// of a matrix when fewer than that many of the matrix's members are in flight; a job of a called workflow
        /// whose calling job is a member of such a matrix when that call is in flight already or there is room for it
        /// (at every level of calls). A calling job itself is not held: its called jobs have ended.
        /// </summary>
        public bool MayStart(RunJob job)
        {
            if (!job.Call && job is { MaxParallel: { } max, MatrixGroup: { } group } && InFlight(group) >= max)
            {
                return false;
            }

            return !_enclosing.TryGetValue(job.Key, out var callers)
                || callers.TrueForAll(c => c.MaxParallel is not { } limit || Active(c) || InFlight(c.MatrixGroup!) < limit);
        }

        /// <summary>Members of the matrix released (for a calling member: one of its called jobs) and not ended.</summary>
        public int InFlight(string group) => _groups[group].Count(Active);

        private bool Active(RunJob member) => !JobStateMachine.IsTerminal(States[member.Key])
            && (member.Call ? Started(member) : States[member.Key] != JobState.Pending);

        public JobStatus StatusOf(RunJob job)
        {
            var ancestors = Ancestors(job.Key).Select(k => _jobs[k]).ToList();
            var success = !_cancelled && ancestors.All(a => States[a.Key] == JobState.Succeeded
                || (States[a.Key] is JobState.Failed or JobState.TimedOut && a.ContinueOnError));
            return new JobStatus(success, ancestors.Any(FailedRun), _cancelled)
            {
                Needs = () => NeedsContext.Build(job.Needs.Select(k => (
                    NeedsContext.JobIdOf(k),
                    Skipped.Contains(k) ? "skipped" : NeedsContext.Result(States[k]),
                    _outputs?.GetValueOrDefault(k)))),
            };
        }

        private HashSet<string> Ancestors(string key)
        {
            if (_ancestors.TryGetValue(key, out var known))
            {
                return known;
            }

            // Iterative walk: no recursion however long the chain of needs.
            var found = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(_jobs[key].Needs);
            while (stack.TryPop(out var need))
            {
                if (found.Add(need))
                {
                    var job = _jobs[need];
                    foreach (var further in job.Needs.Where(n => !job.Call || !n.StartsWith(job.Key + " / ", StringComparison.Ordinal)))
                    {
                        stack.Push(further);
                    }
                }
            }

            _ancestors[key] = found;
            return found;
        }
    }
}
