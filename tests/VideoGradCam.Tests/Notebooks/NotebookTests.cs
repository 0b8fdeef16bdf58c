using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Notebooks;

/// <summary>Every notebook in notebooks/ runs headless in the quick profile; each is one test.</summary>
[Collection("notebooks")]
public class NotebookTests
{
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var nb in NotebookRunner.All(Path.Combine(WorkspacePaths.Root(AppContext.BaseDirectory), "notebooks")))
            data.Add(Path.GetFileName(nb));
        return data;
    }

    /// <summary>Category "Notebook": `./workspace test` runs the notebooks through `reproduce` instead (same runner,
    /// cached by content), so they are not executed twice; `dotnet test` alone runs them here.</summary>
    [Theory]
    [Trait("Category", "Notebook")]
    [MemberData(nameof(All))]
    public void NotebookRunsHeadlessWithoutErrors(string notebook)
    {
        var root = WorkspacePaths.Root(AppContext.BaseDirectory);
        var r = NotebookRunner.Run(Path.Combine(root, "notebooks", notebook),
            Path.Combine(WorkspacePaths.Artifacts(), "notebooks"), Profile.Quick);
        Assert.True(r.Passed, $"{notebook}: {r.Failure}");
    }

    [Fact]
    public void AFailingCellIsNamedWithItsError()
    {
        var root = WorkspacePaths.Root(AppContext.BaseDirectory);
        var dir = Directory.CreateTempSubdirectory("nb").FullName;
        var nb = Path.Combine(root, "notebooks", $"failing-{Guid.NewGuid():N}.ipynb"); // beside the real ones: same tool manifest
        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "failing.ipynb"), nb);
        try
        {
            var r = NotebookRunner.Run(nb, dir, Profile.Quick);
            Assert.False(r.Passed);
            Assert.Contains("cell 2", r.Failure);
            Assert.Contains("deliberate failure 42", r.Failure);
        }
        finally
        {
            File.Delete(nb);
            Directory.Delete(dir, recursive: true);
        }
    }
}
