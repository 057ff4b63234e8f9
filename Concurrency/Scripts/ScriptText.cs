using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// The text form of a script: steps separated by ';', each as printed by its <c>ToString</c>, with
/// <c>Op*n</c> for n repetitions (setups fill whole arenas). Parsing refuses anything else with a message
/// that quotes the bad step.
/// </summary>
public static partial class ScriptText
{
    public static string Format(IEnumerable<ScriptOp> ops)
    {
        var text = new StringBuilder();
        ScriptOp? previous = null;
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
            if (op == previous) { run++; continue; }
            Flush();
            previous = op;
            run = 1;
        }
        Flush();
        return text.ToString();
    }

    public static IReadOnlyList<ScriptOp> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ops = new List<ScriptOp>();
        foreach (string raw in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var repeated = Repetition().Match(raw);
            string step = repeated.Success ? repeated.Groups[1].Value.Trim() : raw;
            int count = repeated.Success ? int.Parse(repeated.Groups[2].Value, CultureInfo.InvariantCulture) : 1;
            if (count < 1 || count > 100_000) throw new ArgumentException($"bad repetition count in '{raw}'");
            var op = ParseStep(step);
            for (int i = 0; i < count; i++) ops.Add(op);
        }
        return ops;
    }

    private static ScriptOp ParseStep(string step)
    {
        var call = Call().Match(step);
        if (!call.Success) throw new ArgumentException($"not a script step: '{step}' (expected e.g. Malloc(64) or Query(Block(3)+16))");
        string name = call.Groups[1].Value;
        string args = call.Groups[2].Value.Trim();
        string[] parts = args.Length == 0 ? [] : args.Split(',', StringSplitOptions.TrimEntries);
        try
        {
            return (name, parts.Length) switch
            {
                ("Malloc", 1) => new MallocOp(ULong(parts[0])),
                ("Calloc", 2) => new CallocOp(ULong(parts[0]), ULong(parts[1])),
                ("Realloc", 2) => new ReallocOp(Int(parts[0]), ULong(parts[1])),
                ("Free", 1) => new FreeOp(Int(parts[0])),
                ("FreeBlock", 1) => new FreeBlockOp(Int(parts[0])),
                ("Query", 1) => new QueryOp(ParseAddress(parts[0])),
                ("ForeignAlloc", 1) => new ForeignAllocOp(ULong(parts[0])),
                ("ForeignFree", 1) => new ForeignFreeOp(Int(parts[0])),
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
        return new AddressExpr(kind, Int(match.Groups[2].Value), offset);
    }

    private static ulong ULong(string s) => ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(.*)\*\s*(\d+)$")]
    private static partial Regex Repetition();

    [GeneratedRegex(@"^([A-Za-z]+)\((.*)\)$")]
    private static partial Regex Call();

    [GeneratedRegex(@"^([A-Za-z]+)\((\d+)\)\s*([+-]\s*\d+)?$")]
    private static partial Regex Address();
}
