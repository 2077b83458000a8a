namespace Foresight.Execution;

/// <summary>Which pipe a piece of output came from.</summary>
public enum OutputStream
{
    Stdout,
    Stderr,
}

/// <summary>
/// A piece of a command's output: a whole line without its terminator, or, for a line longer than the runner's
/// limit, one part of it (<see cref="Complete"/> false: more of the same line follows on the same stream).
/// </summary>
public readonly record struct OutputLine(OutputStream Stream, string Text, bool Complete);
