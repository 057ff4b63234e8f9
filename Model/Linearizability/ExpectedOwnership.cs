namespace PymallocVerify.Model.Linearizability;

/// <summary>The three-valued ownership specification (DESIGN.md, "Ownership specification").</summary>
public enum ExpectedOwnership
{
    /// <summary>In an initialized pool of a live arena: every oracle must answer true.</summary>
    Owned,
    /// <summary>In no live arena: every oracle must answer false, whatever memory it reads.</summary>
    NotOwned,
    /// <summary>In a live arena but outside any initialized pool: no block can be there; either answer.</summary>
    Unspecified,
}
