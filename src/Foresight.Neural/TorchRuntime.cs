namespace Foresight.Neural;

/// <summary>Torch's random generator and thread count are process-wide: every training run holds this lock.</summary>
internal static class TorchRuntime
{
    public static readonly object Gate = new();
}
