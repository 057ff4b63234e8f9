using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// One page of the simulated address space: bytes plus one shadow byte per byte. Both arrays are created on
/// first need, so an arena's untouched pages cost one small object each (like untouched mmap pages).
/// </summary>
internal sealed class Page
{
    public const byte NoAccess = 0;
    public const byte Undefined = 1;
    public const byte Defined = 3;

    /// <summary>Only in gathered copies of the shadow, never stored: the byte is in no mapped page.</summary>
    public const byte Unmapped = 0xFF;

    public const ulong AllDefined64 = 0x0303_0303_0303_0303;
    public const uint AllDefined32 = 0x0303_0303;
    public const ulong AllAddressable64 = 0x0101_0101_0101_0101;
    public const uint AllAddressable32 = 0x0101_0101;

    private readonly int _size;

    /// <summary>Null: every byte is 0.</summary>
    public byte[]? Data;

    /// <summary>Null: every byte's shadow is <see cref="Uniform"/>.</summary>
    public byte[]? Shadow;

    public byte Uniform = NoAccess;

    /// <summary>Live allocations touching this page; the page is mapped iff this is positive.</summary>
    public int LiveAllocations;

    public Page(int size) => _size = size;

    public bool Mapped => LiveAllocations > 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AllDefined8(int offset) =>
        Shadow is null ? Uniform == Defined : BinaryPrimitives.ReadUInt64LittleEndian(Shadow.AsSpan(offset)) == AllDefined64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AllDefined4(int offset) =>
        Shadow is null ? Uniform == Defined : BinaryPrimitives.ReadUInt32LittleEndian(Shadow.AsSpan(offset)) == AllDefined32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AllAddressable8(int offset) =>
        Shadow is null ? Uniform != NoAccess
                       : (BinaryPrimitives.ReadUInt64LittleEndian(Shadow.AsSpan(offset)) & AllAddressable64) == AllAddressable64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AllAddressable4(int offset) =>
        Shadow is null ? Uniform != NoAccess
                       : (BinaryPrimitives.ReadUInt32LittleEndian(Shadow.AsSpan(offset)) & AllAddressable32) == AllAddressable32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read8(int offset) => Data is null ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(Data.AsSpan(offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Read4(int offset) => Data is null ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(Data.AsSpan(offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDefined8(int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(MaterializeData().AsSpan(offset), value);
        if (Shadow is not null) BinaryPrimitives.WriteUInt64LittleEndian(Shadow.AsSpan(offset), AllDefined64);
        else if (Uniform != Defined) SetShadow(offset, 8, Defined);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDefined4(int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(MaterializeData().AsSpan(offset), value);
        if (Shadow is not null) BinaryPrimitives.WriteUInt32LittleEndian(Shadow.AsSpan(offset), AllDefined32);
        else if (Uniform != Defined) SetShadow(offset, 4, Defined);
    }

    public byte[] MaterializeData() => Data ??= new byte[_size];

    public byte ShadowAt(int offset) => Shadow is null ? Uniform : Shadow[offset];

    /// <summary>Sets the shadow of <c>[offset, offset + count)</c>; a whole page collapses back to one uniform byte.</summary>
    public void SetShadow(int offset, int count, byte code)
    {
        // Stryker disable once Block : without the collapse the page keeps an array holding the code in every byte, which reads as that one byte
        if (count == _size) // the whole page, so offset 0
        {
            Shadow = null;
            Uniform = code;
            // Stryker disable once Statement : going on finds no array and a uniform byte equal to the code, and returns
            return;
        }
        if (Shadow is null)
        {
            // Stryker disable once Statement : going on would build an array of the uniform byte and fill the range with that same byte
            if (Uniform == code) return;
            Shadow = new byte[_size];
            Array.Fill(Shadow, Uniform);
        }
        Shadow.AsSpan(offset, count).Fill(code);
    }

    /// <summary>Copies bytes and shadow of <c>[offset, offset + data.Length)</c> out.</summary>
    public void Gather(int offset, Span<byte> data, Span<byte> shadow)
    {
        if (Data is null) data.Clear();
        else Data.AsSpan(offset, data.Length).CopyTo(data);
        if (Shadow is null) shadow.Fill(Uniform);
        else Shadow.AsSpan(offset, shadow.Length).CopyTo(shadow);
    }
}
