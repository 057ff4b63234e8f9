using System.Numerics;
using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// A deterministic 64-bit address space with memcheck's shadow memory: pages are mapped while a live allocation
/// touches them, and every byte is unaddressable, addressable-but-undefined, or defined (see
/// <see cref="ShadowState"/>). System memory arrives addressable and undefined (calloc's defined); writes define;
/// <see cref="Copy"/> carries definedness along without complaint; returned memory becomes unaddressable.
/// Every read of undefined, unaddressable or unmapped memory is recorded as a <see cref="MemcheckError"/> —
/// unless a <see cref="Suppression"/> covers it, in which case a <see cref="SuppressedRead"/> is recorded and the
/// value comes from <see cref="Garbage"/>. Nothing here ever faults: a bad access has a defined result
/// (unmapped bytes read as 0; writes to them are dropped).
/// Storage is sparse (a dictionary of pages, each page's arrays created on first touch). Not thread-safe:
/// concurrency tests run one controlled operation at a time.
/// </summary>
public sealed partial class SimulatedAddressSpace
{
    /// <summary>Requests larger than this fail (return 0), as a real malloc would for absurd sizes.</summary>
    public const ulong MaxAllocationBytes = 256UL * 1024 * 1024;

    private readonly Dictionary<ulong, Page> _pages = [];
    private readonly int _pageSize;
    private readonly int _pageBits;
    private readonly ulong _offsetMask;
    private ulong _cachedPageNumber = ulong.MaxValue; // never a real page number: pages are at least 16 bytes
    private Page? _cachedPage;

    private long _reads;
    private long _writes;
    private long _arenaIndexReads;

    /// <param name="policy">How addresses are chosen (deterministic for its seed).</param>
    /// <param name="pageSize">The OS page size: a power of two, at least 16.</param>
    public SimulatedAddressSpace(PlacementPolicy policy, int pageSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        if (pageSize < 16 || !BitOperations.IsPow2(pageSize))
            throw new ArgumentException($"page size must be a power of two of at least 16 bytes; got {pageSize}", nameof(pageSize));
        Policy = policy;
        _pageSize = pageSize;
        _pageBits = BitOperations.Log2((uint)pageSize);
        _offsetMask = (ulong)pageSize - 1;
        _rng = new SplitMix64(policy.Seed);
    }

    /// <summary>A space for <paramref name="geometry"/> with its page size; adversarial placement mixes every strategy.</summary>
    public static SimulatedAddressSpace For(Geometry geometry, ulong seed = 0, bool adversarial = false) =>
        new(adversarial ? PlacementPolicy.Adversarial(geometry, seed) : new PlacementPolicy(geometry, seed), geometry.PageSize);

    public PlacementPolicy Policy { get; }

    public int PageSize => _pageSize;

    /// <summary>Stamped on every error, suppressed read and allocation; the harness sets it before each operation.</summary>
    public long CurrentOperationIndex { get; set; }

    // ---- reads -------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64(ulong address)
    {
        _reads++;
        int offset = (int)(address & _offsetMask);
        // Fast only for a word wholly in this page; the slow path gathers one across pages. (`< size - n + 1` rather than
        // `<= size - n`: a boundary mutant then runs past the page instead of sending a fitting word the slow way.)
        if (offset < _pageSize - 7 && FindPage(PageNumber(address)) is { } page && page.AllDefined8(offset))
            return page.Read8(offset);
        return SlowRead(address, 8, MemoryAccess.ReadUInt64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(ulong address)
    {
        _reads++;
        int offset = (int)(address & _offsetMask);
        // Fast only for a word wholly in this page (see ReadUInt64).
        if (offset < _pageSize - 3 && FindPage(PageNumber(address)) is { } page && page.AllDefined4(offset))
            return page.Read4(offset);
        return (uint)SlowRead(address, 4, MemoryAccess.ReadUInt32);
    }

    /// <summary>
    /// The classic oracle's index read. Defined bytes read normally. Otherwise the value comes from
    /// <see cref="Garbage"/> (or the stored bytes when it is null), and the read is recorded as a
    /// <see cref="SuppressedRead"/> if a suppression covers it, else as an error (always, when unmapped).
    /// </summary>
    public uint ReadArenaIndex(ulong address)
    {
        _reads++;
        _arenaIndexReads++;
        int offset = (int)(address & _offsetMask);
        // Fast only for a word wholly in this page (see ReadUInt64).
        if (offset < _pageSize - 3 && FindPage(PageNumber(address)) is { } page && page.AllDefined4(offset))
            return page.Read4(offset);

        Span<byte> data = stackalloc byte[4];
        Span<byte> shadow = stackalloc byte[4];
        Gather(address, data, shadow);
        (ShadowState state, int bad) = Worst(shadow);
        ulong stored = LittleEndian(data);
        if (state == ShadowState.Defined) return (uint)stored; // straddles two defined pages
        ulong returned = Garbage is { } provider
            ? provider(new GarbageRequest(MemoryAccess.ReadArenaIndex, address, 4, state, stored)) & 0xFFFF_FFFF
            : stored;
        RecordBadRead(MemoryAccess.ReadArenaIndex, address, 4, state, address + (ulong)bad, stored, returned);
        return (uint)returned;
    }

    /// <summary>Reads bytes as a checked access (reported like any read): for tests and checkers.</summary>
    public void ReadBytes(ulong address, Span<byte> destination)
    {
        _reads++;
        byte[] shadow = new byte[destination.Length];
        Gather(address, destination, shadow);
        (ShadowState state, int bad) = Worst(shadow);
        if (state != ShadowState.Defined)
            RecordBadRead(MemoryAccess.ReadBytes, address, (ulong)destination.Length, state, address + (ulong)bad, 0, 0);
    }

    private ulong SlowRead(ulong address, int size, MemoryAccess access)
    {
        Span<byte> data = stackalloc byte[size];
        Span<byte> shadow = stackalloc byte[size];
        Gather(address, data, shadow);
        (ShadowState state, int bad) = Worst(shadow);
        ulong value = LittleEndian(data);
        if (state != ShadowState.Defined)
            RecordBadRead(access, address, (ulong)size, state, address + (ulong)bad, value, value);
        return value;
    }

    // ---- writes ------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong address, ulong value)
    {
        _writes++;
        int offset = (int)(address & _offsetMask);
        // Fast only for a word wholly in this page (see ReadUInt64).
        if (offset < _pageSize - 7 && FindPage(PageNumber(address)) is { } page && page.AllAddressable8(offset))
        {
            page.WriteDefined8(offset, value);
            return;
        }
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        SlowWrite(address, bytes, MemoryAccess.WriteUInt64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(ulong address, uint value)
    {
        _writes++;
        int offset = (int)(address & _offsetMask);
        // Fast only for a word wholly in this page (see ReadUInt64).
        if (offset < _pageSize - 3 && FindPage(PageNumber(address)) is { } page && page.AllAddressable4(offset))
        {
            page.WriteDefined4(offset, value);
            return;
        }
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        SlowWrite(address, bytes, MemoryAccess.WriteUInt32);
    }

    /// <summary>Writes bytes as a checked access (defines them): for tests and checkers.</summary>
    public void WriteBytes(ulong address, ReadOnlySpan<byte> source)
    {
        _writes++;
        SlowWrite(address, source, MemoryAccess.WriteBytes);
    }

    public void Fill(ulong destination, byte value, ulong count)
    {
        _writes++;
        // Stryker disable once Linq : the chunk only bounds a stack buffer; Fill writes the same bytes in chunks of any size
        Span<byte> chunk = stackalloc byte[Math.Min(_pageSize, 4096)];
        chunk.Fill(value);
        Span<byte> shadow = stackalloc byte[chunk.Length];
        shadow.Fill(Page.Defined);
        ulong done = 0;
        ShadowState worst = ShadowState.Defined;
        ulong firstBad = 0;
        while (done < count)
        {
            if (destination + done < destination) // the rest lies past 2^64
            {
                if (worst < ShadowState.Unmapped) { worst = ShadowState.Unmapped; firstBad = destination + done; }
                break;
            }
            int n = (int)Math.Min((ulong)chunk.Length, count - done);
            (ShadowState s, ulong bad) = Scatter(destination + done, chunk[..n], shadow[..n]);
            if (s > worst) { worst = s; firstBad = bad; }
            done += (ulong)n;
        }
        if (worst != ShadowState.Defined) RecordBadWrite(MemoryAccess.Fill, destination, count, worst, firstBad);
    }

    /// <summary>
    /// memcpy as memcheck sees it: undefined source bytes make undefined destination bytes (no complaint);
    /// an unaddressable or unmapped source byte is an invalid read (its copy counts as defined, to avoid a
    /// cascade); an unaddressable destination byte is an invalid write. Overlapping ranges behave as memmove.
    /// </summary>
    public void Copy(ulong destination, ulong source, ulong count)
    {
        _reads++;
        _writes++;
        bool overlap = source < destination + count && destination < source + count;
        int chunkSize = overlap ? (int)Math.Min(count, int.MaxValue) : (int)Math.Min(count, 4096UL);
        if (overlap && count > int.MaxValue)
            throw new ArgumentException($"overlapping copy of {count} bytes is too large for the simulation", nameof(count));
        byte[] data = new byte[chunkSize];
        byte[] shadow = new byte[chunkSize];
        ShadowState worstRead = ShadowState.Defined, worstWrite = ShadowState.Defined;
        ulong badRead = 0, badWrite = 0;
        for (ulong done = 0; done < count; done += (ulong)chunkSize)
        {
            if (source + done < source || destination + done < destination)
                throw new ArgumentException($"copy of {count} bytes from 0x{source:x} to 0x{destination:x} runs past 2^64", nameof(count));
            int n = (int)Math.Min((ulong)chunkSize, count - done);
            Span<byte> d = data.AsSpan(0, n), s = shadow.AsSpan(0, n);
            Gather(source + done, d, s);
            for (int i = 0; i < n; i++)
            {
                if (s[i] is Page.NoAccess or Page.Unmapped)
                {
                    ShadowState st = s[i] == Page.NoAccess ? ShadowState.Unaddressable : ShadowState.Unmapped;
                    if (st > worstRead) { worstRead = st; badRead = source + done + (ulong)i; }
                    s[i] = Page.Defined;
                }
            }
            (ShadowState w, ulong bad) = Scatter(destination + done, d, s);
            if (w > worstWrite) { worstWrite = w; badWrite = bad; }
        }
        if (worstRead != ShadowState.Defined)
            RecordBadRead(MemoryAccess.CopySource, source, count, worstRead, badRead, 0, 0);
        if (worstWrite != ShadowState.Defined)
            RecordBadWrite(MemoryAccess.CopyDestination, destination, count, worstWrite, badWrite);
    }

    private void SlowWrite(ulong address, ReadOnlySpan<byte> bytes, MemoryAccess access)
    {
        // Stryker disable once Conditional,Equality : the bound only chooses where the buffer lives (stack or heap); its bytes are the same
        Span<byte> shadow = bytes.Length <= 64 ? stackalloc byte[bytes.Length] : new byte[bytes.Length];
        shadow.Fill(Page.Defined);
        (ShadowState state, ulong bad) = Scatter(address, bytes, shadow);
        if (state != ShadowState.Defined) RecordBadWrite(access, address, (ulong)bytes.Length, state, bad);
    }

    // ---- client requests and inspection (never reported) --------------------------------------------------

    /// <summary>VALGRIND_MAKE_MEM_DEFINED: mapped bytes in the range become defined.</summary>
    public void MarkDefined(ulong address, ulong size) => SetShadowMapped(address, size, Page.Defined);

    /// <summary>VALGRIND_MAKE_MEM_UNDEFINED: mapped bytes in the range become addressable but undefined.</summary>
    public void MarkUndefined(ulong address, ulong size) => SetShadowMapped(address, size, Page.Undefined);

    /// <summary>VALGRIND_MAKE_MEM_NOACCESS: mapped bytes in the range become unaddressable.</summary>
    public void MarkNoAccess(ulong address, ulong size) => SetShadowMapped(address, size, Page.NoAccess);

    /// <summary>The state of one byte, without reporting anything.</summary>
    public ShadowState StateOf(ulong address)
    {
        Page? page = FindPage(PageNumber(address));
        if (page is null || !page.Mapped) return ShadowState.Unmapped;
        return FromCode(page.ShadowAt((int)(address & _offsetMask)));
    }

    /// <summary>The worst state over <c>[address, address + size)</c>, without reporting anything.</summary>
    public ShadowState StateOf(ulong address, int size)
    {
        // Stryker disable once Conditional,Equality : the bound only chooses where the buffer lives (stack or heap); its bytes are the same
        Span<byte> data = size <= 256 ? stackalloc byte[size] : new byte[size];
        // Stryker disable once Conditional,Equality : the bound only chooses where the buffer lives (stack or heap); its bytes are the same
        Span<byte> shadow = size <= 256 ? stackalloc byte[size] : new byte[size];
        Gather(address, data, shadow);
        return Worst(shadow).State;
    }

    public bool IsMapped(ulong address) => StateOf(address) != ShadowState.Unmapped;

    /// <summary>The stored bytes, whatever their state, without reporting anything (unmapped bytes read as 0).</summary>
    public uint PeekUInt32(ulong address)
    {
        Span<byte> data = stackalloc byte[4];
        Span<byte> shadow = stackalloc byte[4];
        Gather(address, data, shadow);
        return (uint)LittleEndian(data);
    }

    /// <inheritdoc cref="PeekUInt32"/>
    public ulong PeekUInt64(ulong address)
    {
        Span<byte> data = stackalloc byte[8];
        Span<byte> shadow = stackalloc byte[8];
        Gather(address, data, shadow);
        return LittleEndian(data);
    }

    // ---- pages -------------------------------------------------------------------------------------------

    // Stryker disable once Bitwise : `>>>` is `>>` on a ulong (the line's `<<` mutant breaks every test)
    private ulong PageNumber(ulong address) => address >> _pageBits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Page? FindPage(ulong pageNumber)
    {
        if (pageNumber == _cachedPageNumber) return _cachedPage;
        if (!_pages.TryGetValue(pageNumber, out Page? page)) return null;
        _cachedPageNumber = pageNumber;
        _cachedPage = page;
        return page;
    }

    private Page GetOrCreatePage(ulong pageNumber)
    {
        if (FindPage(pageNumber) is { } page) return page;
        page = new Page(_pageSize);
        _pages.Add(pageNumber, page);
        return page;
    }

    private void RemovePage(ulong pageNumber)
    {
        _pages.Remove(pageNumber);
        if (pageNumber == _cachedPageNumber)
        {
            _cachedPageNumber = ulong.MaxValue;
            _cachedPage = null;
        }
    }

    /// <summary>
    /// Copies out data and shadow of <c>[address, address + data.Length)</c>; bytes in no mapped page (or past
    /// 2^64 — addresses never wrap) read as 0 with shadow <see cref="Page.Unmapped"/>.
    /// </summary>
    private void Gather(ulong address, Span<byte> data, Span<byte> shadow)
    {
        int done = 0;
        while (done < data.Length)
        {
            ulong at = address + (ulong)done;
            if (at < address) // wrapped past 2^64
            {
                data[done..].Clear();
                shadow[done..].Fill(Page.Unmapped);
                return;
            }
            int offset = (int)(at & _offsetMask);
            int n = Math.Min(_pageSize - offset, data.Length - done);
            Page? page = FindPage(PageNumber(at));
            if (page is null || !page.Mapped)
            {
                data.Slice(done, n).Clear();
                shadow.Slice(done, n).Fill(Page.Unmapped);
            }
            else
            {
                page.Gather(offset, data.Slice(done, n), shadow.Slice(done, n));
            }
            done += n;
        }
    }

    /// <summary>
    /// Stores bytes and their shadow at <c>[address, …)</c>. Unmapped bytes are dropped; unaddressable bytes are
    /// written but stay unaddressable. Returns the worst destination problem and its first address.
    /// </summary>
    private (ShadowState State, ulong BadAddress) Scatter(ulong address, ReadOnlySpan<byte> data, ReadOnlySpan<byte> shadow)
    {
        ShadowState worst = ShadowState.Defined;
        ulong firstBad = 0;
        void Note(ShadowState s, ulong at)
        {
            if (s > worst) { worst = s; firstBad = at; }
        }

        int i = 0;
        while (i < data.Length)
        {
            ulong at = address + (ulong)i;
            if (at < address) // wrapped past 2^64
            {
                Note(ShadowState.Unmapped, at);
                break;
            }
            int offset = (int)(at & _offsetMask);
            int n = Math.Min(_pageSize - offset, data.Length - i);
            Page? page = FindPage(PageNumber(at));
            if (page is null || !page.Mapped)
            {
                Note(ShadowState.Unmapped, at);
                i += n;
                continue;
            }
            data.Slice(i, n).CopyTo(page.MaterializeData().AsSpan(offset, n));
            ReadOnlySpan<byte> codes = shadow.Slice(i, n);
            if (page.Shadow is null && page.Uniform != Page.NoAccess && !codes.ContainsAnyExcept(codes[0]))
            {
                page.SetShadow(offset, n, codes[0]); // the common case: a run of equal codes into addressable bytes
            }
            else
            {
                for (int k = 0; k < n; k++)
                {
                    byte current = page.ShadowAt(offset + k);
                    if (current == Page.NoAccess) Note(ShadowState.Unaddressable, at + (ulong)k);
                    else if (current != codes[k]) page.SetShadow(offset + k, 1, codes[k]);
                }
            }
            i += n;
        }
        return (worst, firstBad);
    }

    /// <summary>
    /// Sets the shadow of a range in mapped pages (used by allocation, free and client requests): an allocation's
    /// pages are mapped while it is acquired or released, and a client request leaves unmapped pages alone.
    /// </summary>
    private void SetShadow(ulong address, ulong size, byte code)
    {
        ulong done = 0;
        while (done < size)
        {
            ulong at = address + done;
            int offset = (int)(at & _offsetMask);
            int n = (int)Math.Min((ulong)(_pageSize - offset), size - done);
            Page? page = FindPage(PageNumber(at));
            if (page is { Mapped: true }) page.SetShadow(offset, n, code);
            done += (ulong)n;
        }
    }

    private void SetShadowMapped(ulong address, ulong size, byte code)
    {
        if (size == 0) return;
        if (address + (size - 1) < address)
            throw new ArgumentException($"range 0x{address:x} + {size} wraps past 2^64", nameof(size));
        SetShadow(address, size, code);
    }

    private static (ShadowState State, int FirstBad) Worst(ReadOnlySpan<byte> shadow)
    {
        ShadowState worst = ShadowState.Defined;
        int first = 0;
        for (int i = 0; i < shadow.Length; i++)
        {
            ShadowState s = FromCode(shadow[i]);
            if (s > worst) { worst = s; first = i; }
        }
        return (worst, first);
    }

    private static ShadowState FromCode(byte code) => code switch
    {
        Page.Defined => ShadowState.Defined,
        Page.Undefined => ShadowState.Undefined,
        Page.NoAccess => ShadowState.Unaddressable,
        _ => ShadowState.Unmapped,
    };

    private static ulong LittleEndian(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        return value;
    }
}
