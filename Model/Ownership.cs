namespace PymallocVerify.Model;

/// <summary>The three-valued ownership specification for an address in a given state.</summary>
public enum Ownership
{
    /// <summary>p lies in a pool of a live arena whose header pymalloc initialised: every oracle must say true.</summary>
    Owned,
    /// <summary>p lies in no live arena: every oracle must say false, whatever the memory it reads holds.</summary>
    NotOwned,
    /// <summary>p lies in a live arena outside every initialised pool: no block pointer can be there.</summary>
    Unspecified,
}

/// <summary>
/// The one ownership rule, shared by the reference model (<see cref="ModelState.OwnershipOf"/>) and the
/// linearizability spec: which class an address is in, and which answers an oracle may give for it.
/// </summary>
public static class OwnershipSpec
{
    /// <summary>Not in a live arena: NotOwned; in an initialised pool of one: Owned; elsewhere in one: Unspecified.</summary>
    public static Ownership Classify(bool inLiveArena, bool inInitializedPool) =>
        !inLiveArena ? Ownership.NotOwned : inInitializedPool ? Ownership.Owned : Ownership.Unspecified;

    /// <summary>
    /// Whether <paramref name="answer"/> is allowed for an address of class <paramref name="spec"/>.
    /// <paramref name="unspecifiedMustBeOwned"/>: arena-map semantics (the radix tree owns all of a live arena).
    /// </summary>
    public static bool Allows(this Ownership spec, bool answer, bool unspecifiedMustBeOwned = false) => spec switch
    {
        Ownership.Owned => answer,
        Ownership.NotOwned => !answer,
        _ => !unspecifiedMustBeOwned || answer,
    };
}
