using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace notebooks</c>: execute the notebooks headless into artifacts/notebooks/.</summary>
public static class NotebooksCommand
{
    public static readonly Verb Verb = new("notebooks", "notebooks [--profile quick|full] [--only NAME]",
        "run the notebooks headless into artifacts/notebooks", Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var only = a.Optional("only");
        a.EnsureAllUsed();
        return RunAll(profile, only) ? 0 : 1;
    }

    /// <summary>Runs every numbered notebook (or those whose name contains <paramref name="only"/>); true if all passed.</summary>
    public static bool RunAll(Profile profile, string? only = null)
    {
        var notebooks = NotebookRunner.All().Where(n => only is null || Path.GetFileName(n).Contains(only)).ToList();
        if (notebooks.Count == 0) throw new UsageException($"No notebook matches '{only}'.");
        var outFolder = Path.Combine(WorkspacePaths.Artifacts(), "notebooks");
        int failed = 0;
        using var progress = new Progress($"notebooks ({profile.Name()})", notebooks.Count);
        foreach (var nb in notebooks)
        {
            progress.Status($"running {Path.GetFileName(nb)}");
            var r = NotebookRunner.Run(nb, outFolder, profile);
            if (!r.Passed)
            {
                failed++;
                Console.Error.WriteLine($"\n{r.Notebook} FAILED: {r.Failure}");
            }
            progress.Advance($"{r.Notebook} {(r.Passed ? "ok" : "FAILED")} in {r.Duration.TotalSeconds:0}s");
        }
        Console.WriteLine($"notebooks: {notebooks.Count - failed} passed, {failed} failed; executed copies in {outFolder}");
        return failed == 0;
    }
}
