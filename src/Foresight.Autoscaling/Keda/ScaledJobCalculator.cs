namespace Foresight.Autoscaling.Keda;

/// <summary>
/// How many Jobs one KEDA ScaledJob poll creates (<c>pkg/scaling/executor/scale_jobs.go</c> and the strategies in
/// <c>pkg/scaling/scaledjob</c>, as summarized in the autoscaler-baselines notes).
/// </summary>
public static class ScaledJobCalculator
{
    /// <summary>Jobs to create now.</summary>
    /// <param name="strategy">Scaling strategy.</param>
    /// <param name="queueLength">Metric value: items waiting.</param>
    /// <param name="targetAverageValue">Items one Job handles (trigger target, usually 1).</param>
    /// <param name="running">Unfinished Jobs (runningJobCount).</param>
    /// <param name="pending">Unfinished Jobs none of whose pods is Running or Succeeded (pendingJobCount).</param>
    /// <param name="minReplicas">minReplicaCount.</param>
    /// <param name="maxReplicas">maxReplicaCount.</param>
    /// <param name="customDeduction">customScalingQueueLengthDeduction (custom strategy only).</param>
    /// <param name="customRunningPercentage">customScalingRunningJobPercentage (custom strategy only).</param>
    public static int JobsToCreate(
        ScaledJobStrategy strategy,
        double queueLength,
        double targetAverageValue,
        int running,
        int pending,
        int minReplicas,
        int maxReplicas,
        int customDeduction = 0,
        double customRunningPercentage = 0)
    {
        if (running < minReplicas)
        {
            return minReplicas - running;
        }

        var runningAboveMin = running - minReplicas;
        var maxScale = (int)Math.Min(maxReplicas, Math.Ceiling(queueLength / targetAverageValue));
        var scaleTo = (int)Math.Ceiling(queueLength);
        int effective;
        switch (strategy)
        {
            case ScaledJobStrategy.Custom:
                effective = Math.Min(maxScale - customDeduction - (int)(runningAboveMin * customRunningPercentage), maxReplicas);
                break;
            case ScaledJobStrategy.Accurate:
                effective = maxScale + runningAboveMin > maxReplicas ? maxReplicas - runningAboveMin : maxScale - pending;
                break;
            case ScaledJobStrategy.Eager:
                effective = Math.Min(maxReplicas - runningAboveMin - pending, maxScale);
                scaleTo = maxReplicas;
                break;
            default:
                effective = maxScale - runningAboveMin;
                break;
        }

        return Math.Max(0, Math.Min(scaleTo, effective));
    }
}
