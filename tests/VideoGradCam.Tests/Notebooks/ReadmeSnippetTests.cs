using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Notebooks;

/// <summary>The README's "Grad-CAM on your own model" snippet runs as written: it is a cell of notebook 07, which the
/// notebook tests execute in the kernel right after the bootstrap.</summary>
public class ReadmeSnippetTests
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    static string Snippet()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## Grad-CAM on your own model", StringComparison.Ordinal)..];
        return Regex.Match(section, "```csharp\n(.*?)\n```", RegexOptions.Singleline).Groups[1].Value;
    }

    [Fact]
    public void TheReadmeSnippetIsAtMostTenLinesAndIsTheCellAfterTheBootstrapInNotebook08()
    {
        var snippet = Snippet();
        Assert.InRange(snippet.Split('\n').Length, 3, 10);
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", "07-your-own-model.ipynb")))!;
        var code = notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code")
            .Select(c => string.Concat(c!["source"]!.AsArray().Select(l => (string?)l))).ToList();
        Assert.StartsWith("#!import bootstrap.dib", code[0]);
        Assert.Equal(snippet, code[1]);
    }
}
