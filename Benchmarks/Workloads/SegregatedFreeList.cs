using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>
/// The floor of the allocator targets (docs/performance.md): a bare segregated free list, one singly linked list per 16-byte size class, blocks carved
/// from 4 KiB-aligned pages whose first word names the class (so free finds the class from the address, as pymalloc
/// does). No pool accounting, no ownership check, no pool or arena lists, nothing is ever returned before Dispose:
/// what pymalloc's design costs on top of the cheapest allocator of the same shape. Requests are 1..512 bytes.
/// </summary>
public sealed unsafe class SegregatedFreeList : IDisposable
{
    private const ulong PageSize = 4096;
    private const ulong PageHeader = 16;
    private const int Classes = 32;

    private readonly ulong[] _free = new ulong[Classes];
    private readonly List<nint> _pages = new(capacity: 1 << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size)
    {
        uint sizeClass = (uint)((size - 1) >> 4);
        ulong block = _free[sizeClass];
        if (block == 0) return Refill(sizeClass);
        _free[sizeClass] = *(ulong*)block;
        return block;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong block)
    {
        uint sizeClass = *(uint*)(block & ~(PageSize - 1));
        *(ulong*)block = _free[sizeClass];
        _free[sizeClass] = block;
    }

    private ulong Refill(uint sizeClass)
    {
        if (sizeClass >= Classes) throw new ArgumentOutOfRangeException(nameof(sizeClass), sizeClass, "the floor serves 1..512 bytes");
        ulong page = (ulong)NativeMemory.AlignedAlloc((nuint)PageSize, (nuint)PageSize);
        if (page == 0) return 0;
        _pages.Add((nint)page);
        *(uint*)page = sizeClass;
        ulong blockSize = (sizeClass + 1UL) << 4;
        ulong first = page + PageHeader, next = 0;
        // Link the blocks after the first, last to first, so the list hands them out in address order.
        for (ulong block = first + (PageSize - PageHeader) / blockSize * blockSize - blockSize; block > first; block -= blockSize)
        {
            *(ulong*)block = next;
            next = block;
        }
        _free[sizeClass] = next;
        return first;
    }

    public void Dispose()
    {
        foreach (nint page in _pages) NativeMemory.AlignedFree((void*)page);
        _pages.Clear();
        Array.Clear(_free);
    }
}
