using Foresight.Execution.Logs;
using Foresight.Execution.Masking;

namespace Foresight.Execution.Jobs;

/// <summary>One attempt's output: every line masked, then kept in the tail and streamed to the log.</summary>
internal sealed class JobOutput(SecretMasker masker, OutputTail tail, AttemptLogStream? log)
{
    private readonly List<string> _added = [];
    private IEnumerable<string> _secrets = [];

    public SecretMasker Masker => masker;

    /// <summary>The secrets the masker was made from, so <see cref="AddMask"/> can make a larger one.</summary>
    public JobOutput WithSecrets(IEnumerable<string> secrets)
    {
        _secrets = secrets;
        return this;
    }

    /// <summary><c>::add-mask::value</c>: the value is masked like a secret from the next line on.</summary>
    public void AddMask(string value)
    {
        if (value.Trim().Length == 0)
        {
            return;
        }

        _added.Add(value);
        masker = new SecretMasker(_secrets.Concat(_added));
    }

    /// <summary>A line the agent writes itself (step headers, errors): masked like the rest.</summary>
    public void Line(string text) => Emit(masker.Apply(text));

    /// <summary>The output callback of one step: each pipe has its own masking state, so a value split across the
    /// parts of a long line is still masked. A mask added meanwhile applies from the next piece on.</summary>
    public Action<OutputLine> ForStep()
    {
        var current = masker;
        var stdout = masker.CreateStream();
        var stderr = masker.CreateStream();
        return line =>
        {
            if (!ReferenceEquals(current, masker))
            {
                current = masker;
                stdout = masker.CreateStream();
                stderr = masker.CreateStream();
            }

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
