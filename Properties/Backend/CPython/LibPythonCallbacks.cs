using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary><c>PyObjectArenaAllocator</c> (Include/cpython/objimpl.h): ctx, alloc(ctx, size), free(ctx, ptr, size).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyObjectArenaAllocator
{
    public nint Context;
    public delegate* unmanaged<nint, nuint, nint> Alloc;
    public delegate* unmanaged<nint, nint, nuint, void> Free;
}

/// <summary><c>PyMemAllocatorEx</c> (Include/cpython/pymem.h): ctx, malloc, calloc, realloc, free.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PyMemAllocatorEx
{
    public nint Context;
    public delegate* unmanaged<nint, nuint, nint> Malloc;
    public delegate* unmanaged<nint, nuint, nuint, nint> Calloc;
    public delegate* unmanaged<nint, nint, nuint, nint> Realloc;
    public delegate* unmanaged<nint, nint, void> Free;
}

/// <summary>
/// The C entry points a libpython calls back: each finds its <see cref="LibPythonImage"/> through the context pointer
/// (a GCHandle) and forwards to the image's current <see cref="ILibPythonSystem"/>. An exception must not unwind into
/// C, so each one is caught, reported to the system, and answered with NULL.
/// </summary>
internal static unsafe class LibPythonCallbacks
{
    public static PyObjectArenaAllocator ArenaAllocator(nint context) =>
        new() { Context = context, Alloc = &ArenaAlloc, Free = &ArenaFree };

    public static PyMemAllocatorEx RawAllocator(nint context) =>
        new() { Context = context, Malloc = &RawMalloc, Calloc = &RawCalloc, Realloc = &RawRealloc, Free = &RawFree };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ILibPythonSystem SystemOf(nint context) => ((LibPythonImage)GCHandle.FromIntPtr(context).Target!).System;

    [UnmanagedCallersOnly]
    private static nint ArenaAlloc(nint context, nuint size)
    {
        ILibPythonSystem system = SystemOf(context);
        try { return (nint)system.AllocateArena(size); }
        catch (Exception e) { system.ReportCallbackFault("arena alloc", e); return 0; }
    }

    [UnmanagedCallersOnly]
    private static void ArenaFree(nint context, nint address, nuint size)
    {
        ILibPythonSystem system = SystemOf(context);
        try { system.FreeArena((ulong)address, size); }
        catch (Exception e) { system.ReportCallbackFault("arena free", e); }
    }

    [UnmanagedCallersOnly]
    private static nint RawMalloc(nint context, nuint size)
    {
        ILibPythonSystem system = SystemOf(context);
        try { return (nint)system.RawMalloc(size); }
        catch (Exception e) { system.ReportCallbackFault("raw malloc", e); return 0; }
    }

    [UnmanagedCallersOnly]
    private static nint RawCalloc(nint context, nuint count, nuint size)
    {
        ILibPythonSystem system = SystemOf(context);
        try { return (nint)system.RawCalloc(count, size); }
        catch (Exception e) { system.ReportCallbackFault("raw calloc", e); return 0; }
    }

    [UnmanagedCallersOnly]
    private static nint RawRealloc(nint context, nint address, nuint size)
    {
        ILibPythonSystem system = SystemOf(context);
        try { return (nint)system.RawRealloc((ulong)address, size); }
        catch (Exception e) { system.ReportCallbackFault("raw realloc", e); return 0; }
    }

    [UnmanagedCallersOnly]
    private static void RawFree(nint context, nint address)
    {
        ILibPythonSystem system = SystemOf(context);
        try { system.RawFree((ulong)address); }
        catch (Exception e) { system.ReportCallbackFault("raw free", e); }
    }
}
