// One throw-away PostgreSQL server for the assembly, silo processes and in-process clusters: one test at a time
// on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
