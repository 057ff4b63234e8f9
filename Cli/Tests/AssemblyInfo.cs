// The concurrency family drives Coyote, whose engines run one at a time per process.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
