using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PymallocVerify.Model;

namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// The text form of a script: steps separated by ';' (<c>Malloc(64); Free(0); Query(Block(3)+16)</c>), with
/// <c>Op*n</c> for n repetitions (setups fill whole arenas). The steps are the model's operations plus
/// <see cref="FreeBlockOp"/> and <see cref="ConcurrentQueryOp"/>. Parsing refuses anything else with a message
/// that quotes the bad step.
/// </summary>
public static partial class ScriptText
{
    public static string Format(IEnumerable<Operation> ops)
    {
        var text = new StringBuilder();
        string? previous = null;
        int run = 0;
        void Flush()
        {
            if (previous is null) return;
            if (text.Length > 0) text.Append("; ");
            text.Append(previous);
            if (run > 1) text.Append('*').Append(run);
        }
        foreach (var op in ops)
        {
            string step = Step(op);
            if (step == previous) { run++; continue; }
            Flush();
            previous = step;
            run = 1;
        }
        Flush();
        return text.ToString();
    }

    /// <summary>One step as the script language writes it.</summary>
    public static string Step(Operation op) => op switch
    {
        MallocOp m => $"Malloc({m.Size})",
        CallocOp c => $"Calloc({c.Count},{c.Size})",
        ReallocOp r => $"Realloc({r.Handle},{r.Size})",
        FreeOp f => $"Free({f.Handle})",
        FreeBlockOp b => $"FreeBlock({b.Block})",
        ConcurrentQueryOp q => $"Query({q.Address})",
        ForeignAllocOp a => $"ForeignAlloc({a.Size})",
        ForeignFreeOp f => $"ForeignFree({f.Handle})",
        _ => throw new ArgumentException($"{op.GetType().Name} is not a step of a concurrent script"),
    };

    /// <summary>The most steps a parsed script may expand to (a repetition count multiplies a step).</summary>
    public const int MaxSteps = 100_000;

    public static IReadOnlyList<Operation> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ops = new List<Operation>();
        foreach (string raw in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var repeated = Repetition().Match(raw);
            string step = repeated.Success ? repeated.Groups[1].Value.Trim() : raw;
            int count = repeated.Success && int.TryParse(repeated.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
                : repeated.Success ? -1 : 1;
            if (count < 1 || count > 100_000) throw new ArgumentException($"bad repetition count in '{raw}'");
            // Checked before expanding, so "Malloc(8)*100000" repeated a thousand times is refused, not allocated.
            if (ops.Count + (long)count > MaxSteps) throw new ArgumentException($"a script longer than {MaxSteps} steps");
            var op = ParseStep(step);
            for (int i = 0; i < count; i++) ops.Add(op);
        }
        return ops;
    }

    private static Operation ParseStep(string step)
    {
        var call = Call().Match(step);
        if (!call.Success) throw new ArgumentException($"not a script step: '{step}' (expected e.g. Malloc(64) or Query(Block(3)+16))");
        string name = call.Groups[1].Value;
        string args = call.Groups[2].Value.Trim();
        string[] parts = args.Length == 0 ? [] : args.Split(',', StringSplitOptions.TrimEntries);
        Operation op;
        try
        {
            op = (name, parts.Length) switch
            {
                ("Malloc", 1) => new MallocOp(Size(parts[0])),
                ("Calloc", 2) => new CallocOp(Size(parts[0]), Size(parts[1])),
                ("Realloc", 2) => new ReallocOp(Handle(parts[0]), Size(parts[1])),
                ("Free", 1) => new FreeOp(Handle(parts[0])),
                ("FreeBlock", 1) => new FreeBlockOp(Size(parts[0])),
                ("Query", 1) => new ConcurrentQueryOp(ParseAddress(parts[0])),
                ("ForeignAlloc", 1) => new ForeignAllocOp(Size(parts[0])),
                ("ForeignFree", 1) => new ForeignFreeOp(Handle(parts[0])),
                _ => throw new ArgumentException($"unknown step '{name}' with {parts.Length} argument(s)"),
            };
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"bad argument in '{step}': {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new ArgumentException($"argument out of range in '{step}'", e);
        }
        try { op.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException($"bad argument in '{step}': {e.Message}", e); }
        return op;
    }

    public static AddressExpr ParseAddress(string text)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return new AddressExpr(AddressBase.Absolute, 0, (long)ulong.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        var match = Address().Match(text);
        if (!match.Success || !Enum.TryParse<AddressBase>(match.Groups[1].Value, out var kind) || kind == AddressBase.Absolute)
            throw new ArgumentException($"not an address expression: '{text}' (expected Block(k), Latest(k), Arena(k), Foreign(k) ± offset, or 0x…)");
        long offset = match.Groups[3].Success ? long.Parse(match.Groups[3].Value.Replace(" ", ""), CultureInfo.InvariantCulture) : 0;
        return new AddressExpr(kind, Size(match.Groups[2].Value), offset);
    }

    /// <summary>Sizes, counts and block numbers: non-negative (the model's Validate bounds them).</summary>
    private static int Size(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Symbolic handles: the model's rule, modulo the list's length, negative counting from the end.</summary>
    private static int Handle(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(.*)\*\s*(\d+)$")]
    private static partial Regex Repetition();

    [GeneratedRegex(@"^([A-Za-z]+)\((.*)\)$")]
    private static partial Regex Call();

    [GeneratedRegex(@"^([A-Za-z]+)\((\d+)\)\s*([+-]\s*\d+)?$")]
    private static partial Regex Address();
}
