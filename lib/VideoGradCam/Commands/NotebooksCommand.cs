using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace notebooks</c>: execute the notebooks headless into artifacts/notebooks/.</summary>
public static class NotebooksCommand
{
    public static readonly Verb Verb =
        new("notebooks", "run the notebooks in the dotnet-interactive kernel into artifacts/notebooks",
        [
            Opt.Profile, Opt.Computed("only", "run only the notebooks whose name contains this", "NAME", "all"),
            Opt.Flag("commit-outputs", "run them on the shipped models and write their outputs into notebooks/ " +
                "(charts as images), so GitHub and VS Code show them unrun"),
        ], Run);

    static int Run(Args a)
    {
        var only = a.Optional("only");
        if (a.Flag("commit-outputs"))
        {
            if (a.Given("profile"))
                throw new UsageException(
                    "--commit-outputs runs the shipped models (the full profile): drop --profile.");
            Cli.ReadProfile(a, fallback: ShippedModels.TrainedProfile);
            return CommitOutputs(only) ? 0 : 1;
        }
        return RunAll(Cli.ReadProfile(a), only) ? 0 : 1;
    }

    /// <summary>Runs the notebooks on the shipped models and writes each passing run's outputs into its notebook
    /// (<see cref="NotebookOutputs"/>); true if all passed.</summary>
    static bool CommitOutputs(string? only)
    {
        Environment.SetEnvironmentVariable(Profiles.EnvironmentVariable, null);
        List<NotebookRunner.Outcome> outcomes;
        try { outcomes = StudyPipeline.RunNotebooks(ShippedModels.TrainedProfile, force: true, only); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var work = Path.Combine(WorkspacePaths.Artifacts(), "notebooks", "committed-charts");
        Task.Run(async () =>
        {
            await using var browser = await HeadlessBrowser.LaunchAsync();
            foreach (var o in outcomes.Where(o => o.Passed))
            {
                var target = Path.Combine(WorkspacePaths.Notebooks(), o.Notebook);
                long bytes =
                    await NotebookOutputs.CommitAsync(o.OutputPath, target, browser, work, ModelChoice.Shipped);
                Console.WriteLine($"notebooks: {o.Notebook}: outputs committed ({bytes / 1e6:0.00} MB)" +
                    (bytes > NotebookOutputs.MaxBytes ? $", over the {NotebookOutputs.MaxBytes / 1e6:0} MB limit"
                        : ""));
            }
        }).GetAwaiter().GetResult();
        int failed = outcomes.Count(o => !o.Passed);
        foreach (var o in outcomes.Where(o => !o.Passed)) Console.WriteLine($"notebooks: {o.Failure}");
        Console.WriteLine($"notebooks: {outcomes.Count - failed} committed, {failed} failed (left as they were)");
        return failed == 0;
    }

    /// <summary>Runs every numbered notebook (or those whose name contains <paramref name="only"/>), always afresh;
    /// true if all passed.</summary>
    public static bool RunAll(Profile profile, string? only = null)
    {
        List<NotebookRunner.Outcome> outcomes;
        try { outcomes = StudyPipeline.RunNotebooks(profile, force: true, only); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        int failed = outcomes.Count(o => !o.Passed);
        Console.WriteLine(
            $"notebooks: {outcomes.Count - failed} passed, {failed} failed; executed copies in " +
            $"{Path.Combine(WorkspacePaths.Artifacts(), "notebooks")}");
        return failed == 0;
    }
}
