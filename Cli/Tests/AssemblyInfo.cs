// One test at a time: the concurrency family's runs point the process's Console.Out at nothing while an engine runs
// (QuietConsole), which a test reading Console.Out at the same time would see.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
