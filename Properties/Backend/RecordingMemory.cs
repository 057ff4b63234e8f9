using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The properties' memory backend: real memory (<see cref="NativeMemorySpace"/> does every read and write) whose
/// system boundary is recorded and whose accesses are confined to test-owned regions by a
/// <see cref="MemoryRecorder"/>. See the recorder for the layout and why.
/// </summary>
public readonly struct RecordingMemory : IMemorySpace
{
    private readonly MemoryRecorder recorder;
    private readonly NativeMemorySpace _native;

    public RecordingMemory(MemoryRecorder recorder) => this.recorder = recorder;

    public MemoryRecorder Recorder => recorder;

    public ulong AllocateArena(ulong size) => recorder.AllocateArena(size);

    public void FreeArena(ulong address, ulong size) => recorder.FreeArena(address);

    public ulong SystemMalloc(ulong size) => recorder.SystemMalloc(size);

    public ulong SystemCalloc(ulong count, ulong size) => recorder.SystemCalloc(count, size);

    public ulong SystemRealloc(ulong address, ulong size) => recorder.SystemRealloc(address, size);

    public void SystemFree(ulong address) => recorder.SystemFree(address);

    public IPoolWriteLog? PoolWriteLog => recorder;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64(ulong address)
    {
        recorder.Check("read", address, 8);
        return _native.ReadUInt64(address);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong address, ulong value)
    {
        recorder.Check("write", address, 8);
        recorder.NoteWrite(address, 8);
        _native.WriteUInt64(address, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(ulong address)
    {
        recorder.Check("read", address, 4);
        return _native.ReadUInt32(address);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(ulong address, uint value)
    {
        recorder.Check("write", address, 4);
        recorder.NoteWrite(address, 4);
        _native.WriteUInt32(address, value);
    }

    public uint ReadArenaIndex(ulong address)
    {
        if (recorder.TryInjectedIndexRead(address, out uint injected)) return injected;
        recorder.Check("arena-index read", address, 4);
        return _native.ReadArenaIndex(address);
    }

    public void Copy(ulong destination, ulong source, ulong count)
    {
        if (count == 0) return;
        recorder.Check("copy source", source, count);
        recorder.Check("copy destination", destination, count);
        recorder.NoteWrite(destination, count);
        _native.Copy(destination, source, count);
    }

    public void Fill(ulong destination, byte value, ulong count)
    {
        if (count == 0) return;
        recorder.Check("fill", destination, count);
        recorder.NoteWrite(destination, count);
        _native.Fill(destination, value, count);
    }
}
