namespace Foresight.Cli.Simulation;

/// <summary>Reader settings taken from the command line.</summary>
internal sealed record TraceLoadSettings(long MachineMemoryMb, double JobsPerUnit, double JobSeconds, int Seed);
