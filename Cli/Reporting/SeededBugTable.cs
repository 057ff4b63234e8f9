using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Commands;
using PymallocVerify.SeededBugs;
using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary><c>mutants --list</c>: every bug of the seeded-bug catalog, once, with the family that hunts it.</summary>
public static class SeededBugTable
{
    public static void Write(CliOutput output, IReadOnlyList<IVerificationFamily> families)
    {
        var table = new Table().Border(output.Interactive ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (string column in new[] { "Seeded bug", "Hunted by", "Carried by", "Killed by", "What is broken" })
            table.AddColumn(column);
        foreach (SeededBug bug in SeededBugCatalog.All)
            table.AddRow(Markup.Escape(bug.Name), Markup.Escape(MutantsCommand.HuntingFamily(families, bug)?.Name ?? "-"),
                Markup.Escape(bug.Carrier), Markup.Escape(bug.KilledBy), Markup.Escape(bug.Description));
        output.Console.Write(table);
        output.Line($"{SeededBugCatalog.All.Count} seeded bugs (SeededBugs/SeededBugCatalog.cs).");
    }
}
