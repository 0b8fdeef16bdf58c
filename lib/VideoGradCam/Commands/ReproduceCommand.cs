using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace reproduce</c>: the main job. Runs the study on the embedded default into artifacts/.</summary>
public static class ReproduceCommand
{
    public static readonly Verb Verb = new("reproduce", "reproduce [--profile quick|full]",
        "the main job: run the study and write artifacts/", Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        a.EnsureAllUsed();
        Console.WriteLine($"reproduce: profile {profile.Name()}, outputs in {WorkspacePaths.Artifacts()}");
        return NotebooksCommand.RunAll(profile) ? 0 : 1;
    }
}
