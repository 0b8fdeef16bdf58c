using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VideoGradCam.Runtime;

/// <summary>
/// An executed notebook, read back to check that it reads well afterwards: the metadata VS Code expects (kernelspec
/// <c>.net-csharp</c>, <c>polyglot_notebook.kernelInfo</c>), charts that need no CDN (plotly.js embedded once), and
/// each progress bar as one output updated in place. Charts actually drawing is checked in a browser (HeadlessBrowser).
/// </summary>
public sealed class ExecutedNotebook
{
    readonly JsonNode _root;
    public string Path { get; }

    ExecutedNotebook(string path, JsonNode root) { Path = path; _root = root; }

    public static ExecutedNotebook Load(string path) =>
        new(path, JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty notebook."));

    IEnumerable<(int Cell, string Html)> HtmlOutputs() =>
        (_root["cells"]?.AsArray() ?? []).SelectMany((cell, i) =>
            (cell?["outputs"]?.AsArray() ?? []).Select(o => (i + 1, Text(o?["data"]?["text/html"]))));

    static string Text(JsonNode? n) => n switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(t => t?.GetValue<string>())),
        _ => n.GetValue<string>(),
    };

    /// <summary>Chart outputs (drawn by the bootstrap's offline formatter).</summary>
    public int Charts => HtmlOutputs().Sum(o => Regex.Matches(o.Html, "class=\"wsplot\"").Count);

    /// <summary>How many copies of plotly.js the outputs carry (one is enough for every chart of the
    /// notebook).</summary>
    public int PlotlyCopies => HtmlOutputs().Count(o => o.Html.Contains("plotly.js v2", StringComparison.Ordinal));

    /// <summary>What would not read well; empty when all is fine.</summary>
    public IReadOnlyList<string> Problems()
    {
        var name = System.IO.Path.GetFileName(Path);
        var problems = new List<string>();
        if (_root["metadata"]?["kernelspec"]?["name"]?.GetValue<string>() != NotebookRunner.Kernel)
            problems.Add($"{name}: kernelspec is not {NotebookRunner.Kernel}");
        if (_root["metadata"]?["polyglot_notebook"]?["kernelInfo"] is null)
            problems.Add(
                $"{name}: metadata lacks polyglot_notebook.kernelInfo (VS Code's Polyglot Notebooks reads it)");
        if (Charts > 0 && PlotlyCopies != 1)
            problems.Add($"{name}: {Charts} charts but {PlotlyCopies} copies of plotly.js (expected exactly one)");
        foreach (var (cell, html) in HtmlOutputs()
            .Where(o => Regex.IsMatch(o.Html, "(src=[\"']|setAttribute\\('src',\\s*')https?://")))
            problems.Add($"{name}: cell {cell} loads a script from the network");
        // A compiler warning printed in red above a cell's output (e.g. CS0649 from a field set in another cell) reads
        // as a fault.
        foreach (var (cell, output) in (_root["cells"]?.AsArray() ?? [])
            .SelectMany((c, i) => (c?["outputs"]?.AsArray() ?? []).Select(o => (i + 1, o?.ToJsonString() ?? ""))))
            if (Regex.Match(output, @"warning CS\d{4}[^""\\]*") is { Success: true } warning)
                problems.Add($"{name}: cell {cell} shows a compiler warning: {warning.Value}");
        // Each Progress shows one output, updated in place: a title seen in two outputs of a cell is a bar repeated.
        foreach (var group in HtmlOutputs()
                     .Select(o => (o.Cell, Title: Regex.Match(o.Html, "<b>([^<]*)</b> <progress").Groups[1].Value))
                     .Where(o => o.Title.Length > 0).GroupBy(o => o).Where(g => g.Count() > 1))
            problems.Add(
                $"{name}: cell {group.Key.Cell} shows progress '{group.Key.Title}' in {group.Count()} outputs, not " +
                "one updated in place");
        return problems;
    }
}
