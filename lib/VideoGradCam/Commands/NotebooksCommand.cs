using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace notebooks</c>: execute the notebooks headless into artifacts/notebooks/.</summary>
public static class NotebooksCommand
{
    public static readonly Verb Verb =
        new("notebooks", "run the notebooks in the dotnet-interactive kernel into artifacts/notebooks",
        [Opt.Profile, Opt.Computed("only", "run only the notebooks whose name contains this", "NAME", "all")], Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var only = a.Optional("only");
        return RunAll(profile, only) ? 0 : 1;
    }

    /// <summary>Runs every numbered notebook (or those whose name contains <paramref name="only"/>), always afresh;
    /// true if all passed.</summary>
    public static bool RunAll(Profile profile, string? only = null)
    {
        List<NotebookRunner.Outcome> outcomes;
        try { outcomes = Study.Pipeline.StudyPipeline.RunNotebooks(profile, force: true, only); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        int failed = outcomes.Count(o => !o.Passed);
        Console.WriteLine(
            $"notebooks: {outcomes.Count - failed} passed, {failed} failed; executed copies in " +
            $"{Path.Combine(WorkspacePaths.Artifacts(), "notebooks")}");
        return failed == 0;
    }
}
