namespace PymallocVerify.Concurrency.Scripts;

/// <summary>What an address expression is relative to.</summary>
public enum AddressBase
{
    /// <summary>The k-th block handed out in this iteration (setup first, then in the order threads got them), freed or not.</summary>
    Block,
    /// <summary>The k-th most recent block handed out (0 = the latest).</summary>
    Latest,
    /// <summary>The k-th arena the memory space handed out, live or returned.</summary>
    Arena,
    /// <summary>The k-th foreign block (obtained behind pymalloc's back).</summary>
    Foreign,
    /// <summary>A fixed address (the offset is the address).</summary>
    Absolute,
}

/// <summary>
/// An address a query asks about, as an algebra over known objects — block base ± k, arena base ± k,
/// foreign block + k — because random 64-bit addresses never hit a boundary. Indices wrap modulo what
/// exists when the query runs, so a script stays valid whatever the schedule.
/// </summary>
public readonly record struct AddressExpr(AddressBase Base, int Index, long Offset)
{
    public override string ToString()
    {
        if (Base == AddressBase.Absolute) return $"0x{(ulong)Offset:x}";
        string offset = Offset switch { 0 => "", > 0 => $"+{Offset}", _ => $"{Offset}" };
        return $"{Base}({Index}){offset}";
    }
}
