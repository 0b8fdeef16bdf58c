using System.Text.Json.Nodes;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Tests.Notebooks;

/// <summary>The committed notebooks carry outputs made by their current cells
/// (<see cref="NotebookOutputs"/>).</summary>
public class CommittedOutputsTests
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    static IEnumerable<string> Notebooks() => NotebookRunner.All(Path.Combine(Root, "notebooks"));

    [Fact]
    public void EveryCommittedNotebookShowsOutputsMadeByItsCurrentCellsWithinTwoMegabytes()
    {
        foreach (var nb in Notebooks())
        {
            Assert.True(NotebookOutputs.HasOutputs(nb), $"{Path.GetFileName(nb)} carries no outputs: run " +
                "./workspace notebooks --commit-outputs");
            Assert.Null(NotebookOutputs.Stale(nb));
            Assert.True(new FileInfo(nb).Length <= NotebookOutputs.MaxBytes,
                $"{Path.GetFileName(nb)}: {new FileInfo(nb).Length / 1e6:0.00} MB");
        }
    }

    [Fact]
    public void TheStudyNotebooksShowTheirFiguresAsImagesAndCarryNoScript()
    {
        foreach (var nb in Notebooks().Where(n => Path.GetFileName(n)[..2] is "02" or "03" or "04" or "05" or "06"
            or "07"))
        {
            var outputs = JsonNode.Parse(File.ReadAllText(nb))!["cells"]!.AsArray()
                .SelectMany(c => c!["outputs"]?.AsArray() ?? []).ToList();
            int images =
                outputs.Count(o => o!["data"]?["image/png"] is not null || o!["data"]?["image/jpeg"] is not null);
            Assert.True(images >= 1, $"{Path.GetFileName(nb)}: no image");
            Assert.DoesNotContain(outputs, o => o!.ToJsonString().Contains("<script", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AChangedCellMakesItsCommittedOutputsStale()
    {
        var folder = TestTemp.Dir("nb-stale");
        var copy = Path.Combine(folder, "02.ipynb");
        var notebook = JsonNode.Parse(File.ReadAllText(
            Notebooks().Single(n => Path.GetFileName(n).StartsWith("02-", StringComparison.Ordinal))))!;
        var code = notebook["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
        code[2]!["source"] = new JsonArray("var changed = 1;");
        File.WriteAllText(copy, notebook.ToJsonString());
        var stale = NotebookOutputs.Stale(copy);
        Assert.NotNull(stale);
        Assert.Contains("code cell 3 changed", stale);
        Assert.Contains("--commit-outputs", stale);
    }

    [Fact]
    public async Task ChartsAreCommittedAsImagesWithTheHashOfTheirSourceAndScriptsAreLeftOut()
    {
        var folder = TestTemp.Dir("nb-commit");
        var charts = new NotebookChartHtml();
        string Cell(string source, params JsonNode[] outputs) => new JsonObject
        {
            ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["execution_count"] = 1,
            ["source"] = new JsonArray(source), ["outputs"] = new JsonArray(outputs),
        }.ToJsonString();
        JsonNode Html(string html) => new JsonObject
        {
            ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = html },
            ["metadata"] = new JsonObject(),
        };
        var chart = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 1.0, 2, 3 }, new[] { 1.0, 4, 9 });
        var stream = new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "hello\n" };
        string Notebook(params string[] cells) =>
            $"{{\"cells\":[{string.Join(",", cells)}],\"metadata\":{{}},\"nbformat\":4,\"nbformat_minor\":5}}";
        var executed = Path.Combine(folder, "run.ipynb");
        File.WriteAllText(executed, Notebook(Cell("chart", Html(charts.Html(chart)), stream),
            Cell("script", Html("<p>x</p><script>alert(1)</script>"))));
        var target = Path.Combine(folder, "target.ipynb");
        File.WriteAllText(target, Notebook(Cell("chart"), Cell("script")));

        await using var browser = await HeadlessBrowser.LaunchAsync();
        await NotebookOutputs.CommitAsync(executed, target, browser, Path.Combine(folder, "work"), "shipped");

        var cells = JsonNode.Parse(File.ReadAllText(target))!["cells"]!.AsArray();
        var first = cells[0]!["outputs"]!.AsArray();
        Assert.Equal(2, first.Count);
        var image = first[0]!["data"]!["image/png"] ?? first[0]!["data"]!["image/jpeg"];
        Assert.NotNull(image);
        Assert.True(Convert.FromBase64String(image!.GetValue<string>()).Length > 1000);
        Assert.Equal("hello\n", first[1]!["text"]!.GetValue<string>());
        Assert.Empty(cells[1]!["outputs"]!.AsArray());
        Assert.Equal(NotebookOutputs.SourceHash("chart"),
            cells[0]!["metadata"]!["workspace"]!["source"]!.GetValue<string>());
        Assert.Null(NotebookOutputs.Stale(target));
    }
}
