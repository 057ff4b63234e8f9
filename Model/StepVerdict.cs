namespace PymallocVerify.Model;

/// <summary>Which property a failing step broke (the properties of issue 4, numbered as in docs/properties.md).</summary>
public enum PropertyFamily
{
    /// <summary>1: every query agrees with the ownership spec.</summary>
    Ownership,
    /// <summary>2: free and realloc route each pointer to pymalloc or to the system allocator correctly.</summary>
    Routing,
    /// <summary>3: live blocks never overlap, stay aligned and keep their contents.</summary>
    Blocks,
    /// <summary>4: CheckInvariants holds after every step; freeing everything returns every arena.</summary>
    Invariants,
    /// <summary>
    /// On the simulated backend: no unsuppressed memcheck error, and no suppressed read where none is allowed (the
    /// radix oracle reads no pool memory at all).
    /// </summary>
    Memcheck,
}

public enum VerdictKind
{
    Pass,
    Fail,
    /// <summary>The operation referred to an empty list (no live block, no foreign block, …) and did nothing.</summary>
    Skipped,
}

/// <summary>The model's judgement of one step, with human-readable expected and observed results.</summary>
public sealed record StepVerdict(VerdictKind Kind, string Expected, string Observed, PropertyFamily? Family = null, string? Message = null)
{
    public bool Failed => Kind == VerdictKind.Fail;

    public static StepVerdict Pass(string expected, string observed) => new(VerdictKind.Pass, expected, observed);

    public static StepVerdict Skip(string why) => new(VerdictKind.Skipped, why, "skipped");

    public static StepVerdict Fail(PropertyFamily family, string expected, string observed, string message) =>
        new(VerdictKind.Fail, expected, observed, family, message);

    public override string ToString() => Kind switch
    {
        VerdictKind.Fail => $"FAIL [{Family}] {Message} (expected {Expected}; observed {Observed})",
        VerdictKind.Skipped => $"skipped ({Expected})",
        _ => $"ok (expected {Expected}; observed {Observed})",
    };
}

/// <summary>The result of <see cref="ReferenceModel.Step"/>.</summary>
public sealed record StepResult(ModelState State, StepVerdict Verdict);
