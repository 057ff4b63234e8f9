namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// Where a shared library's mutable statics live once loaded: its writable PT_LOAD segment (.data and .bss) minus the
/// part the loader makes read-only after relocation (PT_GNU_RELRO, protected up to its end rounded down to a page).
/// Offsets are relative to the library's load base. Read from the ELF64 program headers of the file.
/// </summary>
public readonly record struct ElfWritableRange(ulong Start, ulong End)
{
    private const uint PtLoad = 1;
    private const uint PtGnuRelro = 0x6474_e552;
    private const uint PfWrite = 2;
    private const ulong PageSize = 4096;

    public ulong Length => End - Start;

    /// <exception cref="InvalidDataException">Not a little-endian ELF64 file, or no writable segment.</exception>
    public static ElfWritableRange Read(string path)
    {
        using FileStream file = File.OpenRead(path);
        var header = new byte[64];
        file.ReadExactly(header);
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F' || header[4] != 2 || header[5] != 1)
            throw new InvalidDataException($"{path} is not a little-endian 64-bit ELF file");
        ulong phoff = BitConverter.ToUInt64(header, 0x20);
        int phentsize = BitConverter.ToUInt16(header, 0x36);
        int phnum = BitConverter.ToUInt16(header, 0x38);
        var table = new byte[phentsize * phnum];
        file.Position = (long)phoff;
        file.ReadExactly(table);

        ulong start = 0, end = 0, relroEnd = 0;
        for (int i = 0; i < phnum; i++)
        {
            int o = i * phentsize;
            uint type = BitConverter.ToUInt32(table, o);
            uint flags = BitConverter.ToUInt32(table, o + 4);
            ulong vaddr = BitConverter.ToUInt64(table, o + 16);
            ulong memsz = BitConverter.ToUInt64(table, o + 40);
            if (type == PtLoad && (flags & PfWrite) != 0)
            {
                if (end != 0) throw new InvalidDataException($"{path} has more than one writable segment");
                (start, end) = (vaddr, vaddr + memsz);
            }
            else if (type == PtGnuRelro)
            {
                relroEnd = (vaddr + memsz) & ~(PageSize - 1);
            }
        }
        if (end == 0) throw new InvalidDataException($"{path} has no writable segment");
        return new ElfWritableRange(Math.Max(start, relroEnd), end);
    }
}
