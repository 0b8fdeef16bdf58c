using System.Text.Json.Nodes;
using VideoGradCam.Commands;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Notebooks;

/// <summary>
/// Notebooks in the kernel VS Code and Jupyter start (dotnet-interactive as Jupyter's <c>.net-csharp</c>), driven by
/// nbclient, the client of <c>jupyter nbconvert --execute</c>. Every numbered notebook is one test (category
/// "Notebook": <c>./workspace test</c> runs them through <c>reproduce</c> instead, cached by content, so not twice).
/// </summary>
[Collection("notebooks")]
public class NotebookTests
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var nb in NotebookRunner.All(Path.Combine(Root, "notebooks")))
            data.Add(Path.GetFileName(nb));
        return data;
    }

    [Theory]
    [Trait("Category", "Notebook")]
    [MemberData(nameof(All))]
    public void NotebookRunsInTheJupyterKernelWithoutErrors(string notebook)
    {
        var r = NotebookRunner.Run(Path.Combine(Root, "notebooks", notebook),
            Path.Combine(WorkspacePaths.Artifacts(), "notebooks"), Profile.Quick);
        Assert.True(r.Passed, r.Failure);
    }

    [Fact]
    public void AFailingCellIsNamedWithTheNotebookTheCellAndItsError()
    {
        var temp = TestTemp.Dir("nb-failing");
        // beside the real ones: same kernel folder
        var nb = Path.Combine(Root, "notebooks", $"failing-{Guid.NewGuid():N}.ipynb");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "failing.ipynb"), nb);
        try
        {
            var r = NotebookRunner.Run(nb, temp, Profile.Quick);
            Assert.False(r.Passed);
            Assert.Contains(Path.GetFileName(nb), r.Failure);
            Assert.Contains("cell 2 (`throw new Exception", r.Failure);
            Assert.Contains("deliberate failure 42", r.Failure);
            // The executed copy is written all the same, with the first cell's work and the error.
            Assert.True(File.Exists(r.OutputPath));
        }
        finally { File.Delete(nb); }
    }

    /// <summary>A fresh clone before <c>./workspace setup</c>: the library is not built. The first cell stops with one
    /// line.</summary>
    [Fact]
    public void ANotebookStartedBeforeSetupSaysToRunSetupInOneLine()
    {
        var workspace = TestTemp.Dir("nb-unbuilt");
        File.WriteAllText(Path.Combine(workspace, "Workspace.sln"), "");
        Directory.CreateDirectory(Path.Combine(workspace, ".config"));
        File.Copy(Path.Combine(Root, ".config", "dotnet-tools.json"),
            Path.Combine(workspace, ".config", "dotnet-tools.json"));
        var notebooks = Directory.CreateDirectory(Path.Combine(workspace, "notebooks")).FullName;
        File.Copy(Path.Combine(Root, "notebooks", "bootstrap.dib"), Path.Combine(notebooks, "bootstrap.dib"));
        var nb = Path.Combine(notebooks, "00-first.ipynb");
        File.Copy(Path.Combine(Root, "notebooks", "00-environment.ipynb"), nb);

        var r = NotebookRunner.Run(nb, Path.Combine(workspace, "out"), Profile.Quick,
            environment: new Dictionary<string, string> { ["WORKSPACE_ROOT"] = workspace });

        Assert.False(r.Passed);
        Assert.Contains("cell 2 (`#!import bootstrap.dib`)", r.Failure);
        Assert.Contains("run `./workspace setup`", r.Failure);
        var error = FirstErrorText(r.OutputPath);
        Assert.Contains("./workspace setup", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Single(error.Trim().Split('\n').Distinct()); // the message, and a traceback that is the same one line
    }

    [Fact]
    public async Task TheEnvironmentNotebookReadsWellAfterwards()
    {
        var temp = TestTemp.Dir("nb-env");
        var r = NotebookRunner.Run(Path.Combine(Root, "notebooks", "00-environment.ipynb"), temp, Profile.Quick);
        Assert.True(r.Passed, r.Failure);

        var executed = ExecutedNotebook.Load(r.OutputPath);
        Assert.Empty(executed.Problems());
        Assert.Equal(1, executed.Charts);
        Assert.Equal(1, executed.PlotlyCopies);
        await using var browser = await VideoGradCam.Plots.HeadlessBrowser.LaunchAsync();
        Assert.Empty(await TestCommand.ReadsWellAfterwards(browser, r));
    }

    /// <summary>The error text a notebook shows in its first failing cell (error output plus any stderr).</summary>
    static string FirstErrorText(string executed)
    {
        foreach (var cell in JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray())
        {
            var outputs = cell!["outputs"]?.AsArray() ?? [];
            var error = outputs.FirstOrDefault(o => o!["output_type"]!.GetValue<string>() == "error");
            if (error is null) continue;
            var traceback = string.Join("\n", (error["traceback"]?.AsArray() ?? []).Select(t => t!.GetValue<string>()));
            return $"{error["evalue"]}\n{traceback}".Trim();
        }
        return "";
    }
}
