// Torch's random generator and thread count are process-wide: tests that seed them must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
