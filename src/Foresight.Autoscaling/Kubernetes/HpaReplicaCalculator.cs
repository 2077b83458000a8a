namespace Foresight.Autoscaling.Kubernetes;

/// <summary>
/// The replica formulas of the Kubernetes HPA (<c>pkg/controller/podautoscaler/replica_calculator.go</c>): resource
/// utilization with not-ready pods set aside, and external metrics with a per-pod average value target.
/// </summary>
public static class HpaReplicaCalculator
{
    /// <summary>
    /// Replicas for a resource-utilization target. <paramref name="readyUtilizations"/> are the utilizations (0..1) of the
    /// ready pods; <paramref name="unreadyPods"/> have no usable metric. Utilization is an integer percentage, as in
    /// Kubernetes. Returns null when no pod has a metric (the HPA then does not act).
    /// </summary>
    public static int? ResourceUtilization(
        IReadOnlyList<double> readyUtilizations, int unreadyPods, int currentReplicas, int targetPercent, double tolerance)
    {
        var ready = readyUtilizations.Count;
        if (ready == 0)
        {
            return null;
        }

        // Metric values in milli-units, requests of 1000 per pod, integer arithmetic as in GetResourceUtilizationRatio.
        long usage = 0;
        foreach (var u in readyUtilizations)
        {
            usage += (long)Math.Round(Math.Clamp(u, 0, 10) * 1000);
        }

        var ratio = UtilizationPercent(usage, ready) / (double)targetPercent;
        var scaleUpWithUnready = unreadyPods > 0 && ratio > 1.0;
        if (!scaleUpWithUnready)
        {
            return Math.Abs(1.0 - ratio) <= tolerance ? currentReplicas : (int)Math.Ceiling(ratio * ready);
        }

        // Scale-up with not-ready pods: they count as 0 % and the decision is re-checked.
        var all = ready + unreadyPods;
        var newRatio = UtilizationPercent(usage, all) / (double)targetPercent;
        if (Math.Abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return currentReplicas;
        }

        var replicas = (int)Math.Ceiling(newRatio * all);
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas))
        {
            return currentReplicas;
        }

        return replicas;
    }

    /// <summary>
    /// Replicas for an External metric with an AverageValue target (the path KEDA ScaledObjects use):
    /// <c>ratio = usage / (target * replicas)</c>; outside the tolerance, <c>ceil(usage / target)</c>.
    /// </summary>
    public static int ExternalAverageValue(double usage, double targetPerPod, int statusReplicas, double tolerance)
    {
        if (statusReplicas <= 0)
        {
            return statusReplicas;
        }

        var ratio = usage / (targetPerPod * statusReplicas);
        return Math.Abs(1.0 - ratio) > tolerance ? (int)Math.Ceiling(usage / targetPerPod) : statusReplicas;
    }

    private static long UtilizationPercent(long usageMilli, int pods) => usageMilli * 100 / (pods * 1000L);
}
