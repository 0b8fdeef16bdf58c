using VideoGradCam.Runtime;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace synth KIND ...</c>: generate a synthetic data set with ground truth. Kinds: actions, odometry.</summary>
public static class SynthCommand
{
    public static readonly Verb Verb = new("synth",
        "synth actions [--out DIR] [--clips-per-class N] [--frames T] [--size S] [--seed K] [--profile quick|full]\n" +
        "         | " + SynthOdometryCommand.Usage,
        "generate a synthetic data set with ground truth (videos, JSON, masks)", Run);

    static int Run(Args a)
    {
        var kind = a.Positional(0, "the kind of data set (actions)");
        return kind switch
        {
            "actions" => RunActions(a),
            "odometry" => SynthOdometryCommand.Run(a),
            _ => throw new UsageException($"Unknown synthetic data set '{kind}'. Known: actions, odometry."),
        };
    }

    static int RunActions(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var defaults = SyntheticActionSettings.For(profile);
        var outDir = a.String("out", Path.Combine(WorkspacePaths.GeneratedData(), $"actions-{profile.Name()}"));
        SyntheticActionSettings settings;
        try
        {
            settings = defaults with
            {
                ClipsPerClass = a.Int("clips-per-class", defaults.ClipsPerClass),
                Frames = a.Int("frames", defaults.Frames),
                Size = a.Int("size", defaults.Size),
                Seed = a.Int("seed", defaults.Seed),
            };
            a.EnsureAllUsed();
            settings.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var summary = SyntheticActions.Generate(outDir, settings);
        Console.WriteLine($"synth actions: {summary.Written} clips written, {summary.AlreadyPresent} already present, " +
                          $"{settings.Classes.Count} classes ({string.Join(", ", settings.Classes)}), {settings.Frames} frames of " +
                          $"{settings.Size}x{settings.Size}, seed {settings.Seed}, in {summary.Elapsed.TotalSeconds:0.0}s -> {Path.GetFullPath(outDir)}");
        return 0;
    }
}
