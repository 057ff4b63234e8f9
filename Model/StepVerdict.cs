namespace PymallocVerify.Model;

/// <summary>Which property a failing step broke (numbered as in docs/properties.md).</summary>
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
    /// <summary>6: the port, configured as a CPython version, does what that version's libpython does, step for step.</summary>
    Differential,
}

public enum VerdictKind
{
    Pass,
    Fail,
    /// <summary>The operation referred to an empty list (no live block, no foreign block, …) and did nothing.</summary>
    Skipped,
}

/// <summary>The expected and observed text of a passing step, rendered only when read.</summary>
internal interface IDeferredVerdictText
{
    string Expected { get; }
    string Observed { get; }
}

/// <summary>
/// The model's judgement of one step, with human-readable expected and observed results. A passing step's text may be
/// deferred: most passing steps are never printed, and formatting their addresses dominated the model's cost.
/// Equality compares the text, rendered or not.
/// </summary>
public sealed record StepVerdict
{
    private readonly IDeferredVerdictText? _deferred;
    private string? _expected;
    private string? _observed;

    public StepVerdict(VerdictKind kind, string expected, string observed, PropertyFamily? family = null, string? message = null)
    {
        Kind = kind;
        _expected = expected;
        _observed = observed;
        Family = family;
        Message = message;
    }

    private StepVerdict(IDeferredVerdictText text)
    {
        Kind = VerdictKind.Pass;
        _deferred = text;
    }

    public VerdictKind Kind { get; init; }

    public string Expected
    {
        get => _expected ??= _deferred!.Expected; // a benign race: every thread renders the same text
        init => _expected = value;
    }

    public string Observed
    {
        get => _observed ??= _deferred!.Observed;
        init => _observed = value;
    }

    public PropertyFamily? Family { get; init; }

    public string? Message { get; init; }

    public bool Failed => Kind == VerdictKind.Fail;

    public static StepVerdict Pass(string expected, string observed) => new(VerdictKind.Pass, expected, observed);

    internal static StepVerdict Pass(IDeferredVerdictText text) => new(text);

    public static StepVerdict Skip(string why) => new(VerdictKind.Skipped, why, "skipped");

    public static StepVerdict Fail(PropertyFamily family, string expected, string observed, string message) =>
        new(VerdictKind.Fail, expected, observed, family, message);

    public bool Equals(StepVerdict? other) =>
        other is not null && Kind == other.Kind && Family == other.Family && Message == other.Message
        && Expected == other.Expected && Observed == other.Observed;

    public override int GetHashCode() => HashCode.Combine(Kind, Expected, Observed, Family, Message);

    public override string ToString() => Kind switch
    {
        VerdictKind.Fail => $"FAIL [{Family}] {Message} (expected {Expected}; observed {Observed})",
        VerdictKind.Skipped => $"skipped ({Expected})",
        _ => $"ok (expected {Expected}; observed {Observed})",
    };
}

/// <summary>The result of <see cref="ReferenceModel.Step"/>.</summary>
public sealed record StepResult(ModelState State, StepVerdict Verdict);
