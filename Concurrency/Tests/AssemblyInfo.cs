// One test at a time. Coyote engines may run side by side (SideBySideEngineTests checks they do not interfere), but
// on two cores these tests gained nothing from it: 14 s one at a time, 15-18 s with xunit's parallel classes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
