using Foresight.Execution.Logs;
using Foresight.Execution.Masking;

namespace Foresight.Execution.Jobs;

/// <summary>One attempt's output: every line masked, then kept in the tail and streamed to the log.</summary>
internal sealed class JobOutput(SecretMasker masker, OutputTail tail, AttemptLogStream? log)
{
    public SecretMasker Masker => masker;

    /// <summary>A line the agent writes itself (step headers, errors): masked like the rest.</summary>
    public void Line(string text) => Emit(masker.Apply(text));

    /// <summary>The output callback of one step: each pipe has its own masking state, so a value split across the
    /// parts of a long line is still masked.</summary>
    public Action<OutputLine> ForStep()
    {
        var stdout = masker.CreateStream();
        var stderr = masker.CreateStream();
        return line =>
        {
            var masked = (line.Stream == OutputStream.Stdout ? stdout : stderr).Push(line.Text, line.Complete);
            if (line.Complete || masked.Length > 0)
            {
                Emit(masked);
            }
        };
    }

    private void Emit(string masked)
    {
        tail.AppendLine(masked);
        log?.Write(masked + "\n");
    }
}
