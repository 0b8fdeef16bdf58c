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
    /// line, before any package is restored.</summary>
    [Fact]
    public void ANotebookStartedBeforeSetupSaysToRunSetupInOneLine()
    {
        var workspace = TemporaryWorkspace("nb-unbuilt");

        var r = RunFirstNotebook(workspace);

        Assert.False(r.Passed);
        Assert.Contains("cell 2 (`#!import bootstrap.dib`)", r.Failure);
        Assert.Contains("run `./workspace setup`", r.Failure);
        var error = FirstErrorText(r.OutputPath);
        Assert.Contains("./workspace setup", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Single(error.Trim().Split('\n').Distinct()); // the message, and a traceback that is the same one line
        Assert.Equal([error.Trim().Split('\n')[0]], FirstCellOutputs(r.OutputPath)); // nothing restored, nothing else
    }

    /// <summary>After <c>git pull</c> without a build: a source newer than the library the kernel would load stops the
    /// first cell with one line that names it (the build here is empty files: nothing is loaded before the check).
    /// </summary>
    [Fact]
    public void ANotebookStartedOnAStaleBuildSaysSoInOneLine()
    {
        var workspace = TemporaryWorkspace("nb-stale");
        var platform = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rid = $"{platform}-{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}".ToLowerInvariant();
        var native = platform switch
        {
            "win" => "LibTorchSharp.dll", "osx" => "libLibTorchSharp.dylib", _ => "libLibTorchSharp.so",
        };
        var built = DateTime.UtcNow.AddMinutes(-10);
        foreach (var file in new[]
                 {
                     ".build/bin/VideoGradCam/release/VideoGradCam.dll",
                     ".build/packages/VideoGradCam.Core.0.1.0.nupkg",
                     $".build/bin/VideoGradCam.Cli/release/runtimes/{rid}/native/{native}",
                     "lib/VideoGradCam/VideoGradCam.csproj", "lib/VideoGradCam.Core/VideoGradCam.Core.csproj",
                     "lib/VideoGradCam/Plots/Unchanged.cs", "lib/VideoGradCam/Plots/Changed.cs",
                 })
        {
            var path = Path.Combine(workspace, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "");
            File.SetLastWriteTimeUtc(path, file.EndsWith("Changed.cs", StringComparison.Ordinal) ? built.AddMinutes(5)
                : file.StartsWith("lib/", StringComparison.Ordinal) ? built.AddMinutes(-5) : built);
        }

        var r = RunFirstNotebook(workspace);

        Assert.False(r.Passed);
        var error = FirstErrorText(r.OutputPath).Trim().Split('\n')[0];
        Assert.StartsWith("The workspace library was built before its sources changed (1 file, e.g. " +
                          "lib/VideoGradCam/Plots/Changed.cs): run `./workspace setup`", error);
        Assert.Contains("WORKSPACE_ALLOW_STALE=1", error);
        Assert.Equal([error], FirstCellOutputs(r.OutputPath));
    }

    /// <summary>A workspace in a temporary folder (Workspace.sln, the local tools, the bootstrap and notebook 00 as
    /// notebooks/00-first.ipynb), not built.</summary>
    static string TemporaryWorkspace(string name)
    {
        var workspace = TestTemp.Dir(name);
        File.WriteAllText(Path.Combine(workspace, "Workspace.sln"), "");
        Directory.CreateDirectory(Path.Combine(workspace, ".config"));
        File.Copy(Path.Combine(Root, ".config", "dotnet-tools.json"),
            Path.Combine(workspace, ".config", "dotnet-tools.json"));
        var notebooks = Directory.CreateDirectory(Path.Combine(workspace, "notebooks")).FullName;
        File.Copy(Path.Combine(Root, "notebooks", "bootstrap.dib"), Path.Combine(notebooks, "bootstrap.dib"));
        File.Copy(Path.Combine(Root, "notebooks", "00-environment.ipynb"), Path.Combine(notebooks, "00-first.ipynb"));
        return workspace;
    }

    static NotebookRunner.Outcome RunFirstNotebook(string workspace) =>
        NotebookRunner.Run(Path.Combine(workspace, "notebooks", "00-first.ipynb"), Path.Combine(workspace, "out"),
            Profile.Quick, timeout: TimeSpan.FromMinutes(2),
            environment: new Dictionary<string, string> { ["WORKSPACE_ROOT"] = workspace });

    /// <summary>The text of each output of the first code cell (the bootstrap's): streams, displays, errors.</summary>
    static List<string> FirstCellOutputs(string executed)
    {
        var cell = JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray()
            .First(c => c!["cell_type"]!.GetValue<string>() == "code")!;
        static string Text(JsonNode? n) => n is JsonArray a ? string.Concat(a.Select(t => t!.GetValue<string>()))
            : n?.GetValue<string>() ?? "";
        return (cell["outputs"]?.AsArray() ?? []).Select(o => o!["output_type"]!.GetValue<string>() switch
        {
            "stream" => Text(o["text"]),
            "error" => Text(o["evalue"]),
            _ => string.Join("\n", (o["data"] as JsonObject ?? new JsonObject()).Select(d => Text(d.Value))),
        }).Select(t => t.Trim()).ToList();
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
