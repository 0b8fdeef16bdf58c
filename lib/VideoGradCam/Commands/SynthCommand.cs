using VideoGradCam.Odometry.Data;
using VideoGradCam.Runtime;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace synth KIND ...</c>: generate a synthetic data set with ground truth. Kinds: actions,
/// odometry.</summary>
public static class SynthCommand
{
    public static readonly Verb Verb = new("synth",
        "generate a synthetic data set with ground truth: actions (videos, JSON, masks) or odometry (KITTI layout)",
        [
            Opt.Computed("out", "output folder", "DIR", "data/generated/<kind>-<profile> (odometry: required)"),
            Opt.Value("clips-per-class", "actions: clips per class", "N",
                p => SyntheticActionSettings.For(p).ClipsPerClass),
            Opt.Computed("frames", "frames per clip (actions) or per sequence (odometry)", "T",
                $"actions quick {SyntheticActionSettings.For(Profile.Quick).Frames}, full " +
                $"{SyntheticActionSettings.For(Profile.Full).Frames}; " +
                $"odometry quick {SyntheticOdometry.ForProfile(Profile.Quick).Frames}, full " +
                $"{SyntheticOdometry.ForProfile(Profile.Full).Frames}"),
            Opt.Value("size", "actions: frame size (square)", "S", p => SyntheticActionSettings.For(p).Size),
            Opt.Computed("seed", "random seed", "K", Seeds.Default.ToString()),
            Opt.Value("sequences", "odometry: sequences", "N", p => SyntheticOdometry.ForProfile(p).Sequences),
            Opt.Value("width", "odometry: frame width", "W", p => SyntheticOdometry.ForProfile(p).Width),
            Opt.Value("height", "odometry: frame height", "H", p => SyntheticOdometry.ForProfile(p).Height),
            Opt.Value("step", "odometry: mean metres per frame", "METRES",
                p => SyntheticOdometry.ForProfile(p).StepMetres),
            Opt.Value("speed-range", "odometry: fraction of the step the speed varies by", "FRACTION",
                p => SyntheticOdometry.ForProfile(p).SpeedRange),
            Opt.Value("turns", "odometry: turn scale", "SCALE", p => SyntheticOdometry.ForProfile(p).Turns),
            Opt.Value("sway", "odometry: sideways sway", "FRACTION", p => SyntheticOdometry.ForProfile(p).Sway),
            Opt.Value("speed-period",
                "odometry: how much the speed cycles are stretched (1: stop and go within 6-24 frames; 4: over 24-96)",
                    "SCALE",
                p => SyntheticOdometry.ForProfile(p).SpeedPeriod),
            Opt.Profile,
        ], Run, [("kind", "actions or odometry")]);

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
            settings.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var summary = SyntheticActions.Generate(outDir, settings);
        Console.WriteLine(
            $"synth actions: {summary.Written} clips written, {summary.AlreadyPresent} already present, " +
            $"{settings.Classes.Count} classes ({string.Join(", ", settings.Classes)}), " +
            $"{settings.Frames} frames of " +
            $"{settings.Size}x{settings.Size}, seed {settings.Seed}, in " +
            $"{summary.Elapsed.TotalSeconds:0.0}s -> {Path.GetFullPath(outDir)}");
        return 0;
    }
}
