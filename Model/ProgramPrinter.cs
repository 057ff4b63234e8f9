using System.Text;

namespace PymallocVerify.Model;

/// <summary>
/// Renders an operation sequence as a small readable program. Handles become names (b0, b1, … for blocks,
/// f0, … for foreign blocks) by replaying the list bookkeeping symbolically — the same bookkeeping the model does
/// — so a printed program reads like C with the symbolic indices resolved.
/// </summary>
public static class ProgramPrinter
{
    public static string Print(IReadOnlyList<Operation> operations, Func<int, string?>? comment = null)
    {
        var text = new StringBuilder();
        IReadOnlyList<string> lines = Lines(operations);
        for (int i = 0; i < lines.Count; i++)
        {
            string? note = comment?.Invoke(i);
            text.Append($"{i + 1,3}: ").Append(lines[i]);
            if (!string.IsNullOrEmpty(note)) text.Append("   // ").Append(note);
            text.Append('\n');
        }
        return text.ToString();
    }

    public static IReadOnlyList<string> Lines(IReadOnlyList<Operation> operations)
    {
        var blocks = new List<int>();
        var foreign = new List<int>();
        int nextBlock = 0, nextForeign = 0;
        var lines = new List<string>(operations.Count);
        string? Name(List<int> list, int handle, char prefix) =>
            ModelState.SlotOf(handle, list.Count) is var i and >= 0 ? $"{prefix}{list[i]}" : null;

        foreach (Operation op in operations)
        {
            switch (op)
            {
                case MallocOp m:
                    blocks.Add(nextBlock);
                    lines.Add($"b{nextBlock++} = malloc({m.Size})");
                    break;
                case CallocOp c:
                    blocks.Add(nextBlock);
                    lines.Add($"b{nextBlock++} = calloc({c.Count}, {c.Size})");
                    break;
                case ReallocOp r when ModelState.SlotOf(r.Handle, blocks.Count) is var i and >= 0:
                    lines.Add($"b{nextBlock} = realloc(b{blocks[i]}, {r.Size})");
                    blocks[i] = nextBlock++;
                    break;
                case FreeOp f when ModelState.SlotOf(f.Handle, blocks.Count) is var i and >= 0:
                    lines.Add($"free(b{blocks[i]})");
                    blocks.RemoveAt(i);
                    break;
                case ForeignAllocOp a:
                    foreign.Add(nextForeign);
                    lines.Add($"f{nextForeign++} = foreign_alloc({a.Size})");
                    break;
                case ForeignFreeOp f when ModelState.SlotOf(f.Handle, foreign.Count) is var i and >= 0:
                    lines.Add($"free(f{foreign[i]})   /* foreign: must reach the system free */");
                    foreign.RemoveAt(i);
                    break;
                case QueryOp q:
                    lines.Add($"is_owned({Address(q.Address, h => Name(blocks, h, 'b'), h => Name(foreign, h, 'f'))}, garbage = {GarbageText(q.Garbage)})");
                    break;
                case WriteTagOp w when Name(blocks, w.Handle, 'b') is { } n:
                    lines.Add($"write_tag({n})");
                    break;
                case CheckTagOp c when Name(blocks, c.Handle, 'b') is { } n:
                    lines.Add($"check_tag({n})");
                    break;
                default:
                    lines.Add($"{OperationName(op)}   /* skipped: nothing to act on */");
                    break;
            }
        }
        return lines;
    }

    /// <summary>The operation with its raw symbolic arguments (no names), e.g. <c>free(#2)</c>.</summary>
    public static string OperationName(Operation op) => op switch
    {
        MallocOp m => $"malloc({m.Size})",
        CallocOp c => $"calloc({c.Count}, {c.Size})",
        ReallocOp r => $"realloc(#{r.Handle}, {r.Size})",
        FreeOp f => $"free(#{f.Handle})",
        ForeignAllocOp a => $"foreign_alloc({a.Size})",
        ForeignFreeOp f => $"foreign_free(#{f.Handle})",
        QueryOp q => $"is_owned({Address(q.Address, h => $"#{h}", h => $"#{h}")}, garbage = {GarbageText(q.Garbage)})",
        WriteTagOp w => $"write_tag(#{w.Handle})",
        CheckTagOp c => $"check_tag(#{c.Handle})",
        _ => op.GetType().Name,
    };

    public static string Address(AddressExpression expression, Func<int, string?> block, Func<int, string?> foreign)
    {
        string Named(Func<int, string?> name, int handle, string empty) => name(handle) ?? empty;
        return expression switch
        {
            BlockAddress { Edge: Edge.Start } e => Named(block, e.Handle, "<no block>") + Offset(e.Offset),
            BlockAddress e => $"end({Named(block, e.Handle, "<no block>")})" + Offset(e.Offset),
            PoolAddress { Edge: Edge.Start } e => $"pool({Named(block, e.Handle, "<no block>")})" + Offset(e.Offset),
            PoolAddress e => $"pool_end({Named(block, e.Handle, "<no block>")})" + Offset(e.Offset),
            ArenaAddress { Edge: Edge.Start } e => $"arena[{e.Arena}]" + Offset(e.Offset),
            ArenaAddress e => $"arena_end[{e.Arena}]" + Offset(e.Offset),
            ForeignAddress e => Named(foreign, e.Handle, "<no foreign block>") + Offset(e.Offset),
            FreedArenaAddress e => $"freed_arena[{e.Arena}] + 0x{e.Offset:x}",
            LowAddress e => $"0x{e.Value:x}",
            TopAddress e => e.Distance == 0 ? "0xffffffffffffffff" : $"0xffffffffffffffff - 0x{e.Distance:x}",
            _ => expression.ToString(),
        };
    }

    public static string GarbageText(Garbage garbage) => garbage.Class switch
    {
        GarbageClass.TableSize => "maxarenas",
        GarbageClass.TableSizePlusOne => "maxarenas + 1",
        GarbageClass.UIntMax => "0xffffffff",
        GarbageClass.NeverUsedSlot => $"never_used_slot[{garbage.Value}]",
        GarbageClass.ReleasedSlot => $"released_slot[{garbage.Value}]",
        GarbageClass.LiveSlot => $"live_slot[{garbage.Value}]",
        GarbageClass.AdjacentArenaSlot => "slot_of_adjacent_arena",
        _ => $"0x{garbage.Value:x}",
    };

    private static string Offset(long offset) => offset switch
    {
        long.MinValue => $" - {(ulong)long.MaxValue + 1}",
        < 0 => $" - {-offset}",
        0 => "",
        _ => $" + {offset}",
    };
}
