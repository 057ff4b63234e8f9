// Coyote's Operation API reaches the engine of the calling thread's iteration; engines are run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
