namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Every block handed out in one iteration, in order (setup first), with who holds it and whether it is
/// still live: what address expressions and <c>FreeBlock</c> refer to. Readers learn addresses here,
/// outside the allocator — the way a runtime hands an object pointer from one thread to another.
/// </summary>
public sealed class IterationBoard
{
    private readonly Lock _gate = new();
    private readonly List<(ulong Address, bool Live)> _blocks = [];

    public int Count { get { lock (_gate) return _blocks.Count; } }

    public int Add(ulong address)
    {
        lock (_gate)
        {
            _blocks.Add((address, true));
            return _blocks.Count - 1;
        }
    }

    public ulong AddressOf(int entry) { lock (_gate) return _blocks[entry].Address; }

    public bool IsLive(int entry) { lock (_gate) return _blocks[entry].Live; }

    /// <summary>Marks an entry freed; false if it already was (so two threads never free one block).</summary>
    public bool TryRetire(int entry)
    {
        lock (_gate)
        {
            if (!_blocks[entry].Live) return false;
            _blocks[entry] = (_blocks[entry].Address, false);
            return true;
        }
    }

    /// <summary>The entry moved (realloc): the old address is no longer this entry's block.</summary>
    public void Move(int entry, ulong address)
    {
        lock (_gate) _blocks[entry] = (address, true);
    }
}
