namespace PymallocVerify.Cli.Campaign;

/// <summary>Why a family's stream of cases ended.</summary>
public enum StopReason
{
    /// <summary>Its share of the time budget ran out (time is only ever a stop signal between cases).</summary>
    Budget,

    /// <summary><c>--cases N</c> cases ran.</summary>
    CaseLimit,

    /// <summary>The family's case list is finite and this shard ran all of its cases.</summary>
    Exhausted,

    /// <summary>A case failed; later cases of the stream were not run.</summary>
    Failure,

    /// <summary>The user interrupted the run.</summary>
    Cancelled,

    /// <summary>The configuration cannot run (see the skip reason).</summary>
    Skipped,
}
