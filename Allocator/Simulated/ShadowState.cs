namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// What memcheck knows about a byte (or, for an access, about its worst byte). Ordered from best to worst,
/// so the state of a multi-byte access is the maximum over its bytes.
/// </summary>
public enum ShadowState
{
    /// <summary>Addressable and written (or obtained from calloc): reading it is fine.</summary>
    Defined,

    /// <summary>Addressable but never written since the system handed it out: "uninitialised value".</summary>
    Undefined,

    /// <summary>In a mapped page but outside every live allocation (redzone, freed block, arena slack): "invalid read".</summary>
    Unaddressable,

    /// <summary>In no mapped page: a real process would take SIGSEGV here. Never suppressible.</summary>
    Unmapped,
}
