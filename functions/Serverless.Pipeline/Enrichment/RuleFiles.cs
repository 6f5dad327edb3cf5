namespace Serverless.Pipeline.Enrichment;

/// <summary>Reads the rule lists shipped in Enrichment/Rules: one entry a line, <c>#</c> starts a comment, fields split by <c>|</c>.</summary>
internal static class RuleFiles
{
    public static IEnumerable<string> Lines(string name)
    {
        using var stream = typeof(RuleFiles).Assembly.GetManifestResourceStream("enrichment:" + name)
            ?? throw new InvalidOperationException($"The enrichment rule list '{name}' is not embedded.");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length > 0 && text[0] != '#')
            {
                lines.Add(text);
            }
        }

        return lines;
    }

    public static IEnumerable<string[]> Rows(string name) =>
        Lines(name).Select(line => line.Split('|', StringSplitOptions.TrimEntries));
}
