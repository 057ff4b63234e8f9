using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>
/// What a workload needs from an allocator. The allocators are structs passed as generic arguments, so every
/// workload loop is JIT-specialised per allocator: the system allocator and pymalloc run the very same loop.
/// </summary>
public interface IBlockAllocator
{
    ulong Malloc(ulong size);
    void Free(ulong address);
}

/// <summary>The baseline: <see cref="NativeMemory"/>, i.e. the C runtime's malloc/free (glibc on Linux).</summary>
public readonly unsafe struct SystemAllocator : IBlockAllocator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => (ulong)NativeMemory.Alloc((nuint)size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => NativeMemory.Free((void*)address);
}

/// <summary>
/// glibc's malloc/free called directly, without the GC transition NativeMemory's P/Invoke makes on every call
/// (NativeMemory.Alloc/Free are plain [LibraryImport]s). The allocator's own cost, as a C caller would see it —
/// the fair reference for figures measured in C (C pymalloc vs glibc). Not the baseline: the ratios are
/// against NativeMemory.
/// </summary>
public readonly unsafe partial struct LibcAllocator : IBlockAllocator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => (ulong)LibcMalloc((nuint)size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => LibcFree((void*)address);

    // Safe to skip the transition: malloc and free neither block for long nor call back into the runtime.
    [LibraryImport("libc", EntryPoint = "malloc")]
    [SuppressGCTransition]
    private static partial void* LibcMalloc(nuint size);

    [LibraryImport("libc", EntryPoint = "free")]
    [SuppressGCTransition]
    private static partial void LibcFree(void* address);
}

/// <summary>
/// C pymalloc itself: CPython 3.11's <c>PyObject_Malloc/PyObject_Free</c> from Debian's libpython3.11 (16 KiB pools,
/// 1 MiB arenas, radix-tree arena map: the port's modern geometry), called like <see cref="LibcAllocator"/> without
/// the GC transition. The targets are stated against C pymalloc 3.11; this row measures it in the same run.
/// 3.11 keeps obmalloc's state in C statics, so it works without Py_Initialize; calls stay on one thread.
/// </summary>
public readonly unsafe partial struct CPythonAllocator : IBlockAllocator
{
    /// <summary>The shared library the row loads (Debian package libpython3.11).</summary>
    public const string Library = "libpython3.11.so.1.0";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => (ulong)PyObjectMalloc((nuint)size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => PyObjectFree((void*)address);

    /// <summary>Throws a one-line, actionable error when the library is missing (instead of a DllNotFoundException deep in a loop).</summary>
    public static void EnsureAvailable()
    {
        if (!NativeLibrary.TryLoad(Library, out _))
            throw new InvalidOperationException($"{Library} not found: install Debian's libpython3.11 (apt-get install -y libpython3.11) for the CPython311 rows");
    }

    [LibraryImport(Library, EntryPoint = "PyObject_Malloc")]
    [SuppressGCTransition]
    private static partial void* PyObjectMalloc(nuint size);

    [LibraryImport(Library, EntryPoint = "PyObject_Free")]
    [SuppressGCTransition]
    private static partial void PyObjectFree(void* address);
}

/// <summary>The production port over real memory, with a given ownership oracle and no test hooks.</summary>
public readonly struct PymallocAllocator<TOracle>(PymallocHeap<NativeMemorySpace, TOracle, NoHooks> heap) : IBlockAllocator
    where TOracle : struct, IOwnershipOracle
{
    public PymallocHeap<NativeMemorySpace, TOracle, NoHooks> Heap => heap;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => heap.Malloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => heap.Free(address);
}

/// <summary>The floor: <see cref="SegregatedFreeList"/>.</summary>
public readonly struct FreeListAllocator(SegregatedFreeList list) : IBlockAllocator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => list.Malloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => list.Free(address);
}
