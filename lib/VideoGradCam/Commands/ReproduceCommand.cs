using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace reproduce</c>: the main job. Runs the study on the embedded default into artifacts/.</summary>
public static class ReproduceCommand
{
    public static readonly Verb Verb = new("reproduce", "reproduce [--profile quick|full] [--force] [--no-notebooks]",
        "the main job: data, training, Grad-CAM metrics, notebooks, report in artifacts/report", Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var force = a.Flag("force");
        var notebooks = !a.Flag("no-notebooks");
        a.EnsureAllUsed();
        Console.WriteLine($"reproduce: profile {profile.Name()}, outputs in {WorkspacePaths.Artifacts()}");
        var outcome = Study.StudyPipeline.Run(profile, force, notebooks);
        int failed = outcome.Notebooks.Count(n => !n.Passed);
        Console.WriteLine($"reproduce: done in {outcome.Steps.Sum(s => s.Seconds):0} s; notebooks {outcome.Notebooks.Count - failed} passed, {failed} failed; report {outcome.Report}");
        return failed == 0 ? 0 : 1;
    }
}
