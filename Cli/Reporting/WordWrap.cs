namespace PymallocVerify.Cli.Reporting;

/// <summary>Breaks a note into lines of at most a terminal's width, between words only (a word longer than the line,
/// such as a path, is left whole on a line of its own).</summary>
public static class WordWrap
{
    public static IEnumerable<string> Lines(string text, int width, string indent, string continuationIndent)
    {
        var line = new System.Text.StringBuilder(indent);
        bool empty = true;
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(continuationIndent);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        if (!empty) yield return line.ToString();
    }
}
