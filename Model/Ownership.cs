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
