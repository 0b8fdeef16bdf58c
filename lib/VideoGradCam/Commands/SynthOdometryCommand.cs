using VideoGradCam.Odometry.Data;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>synth odometry</c>: renders synthetic odometry sequences in the KITTI layout with ground-truth
/// depth.</summary>
public static class SynthOdometryCommand
{
    public static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var d = SyntheticOdometry.ForProfile(profile);
        var o = d with
        {
            Sequences = a.Int("sequences", d.Sequences), Frames = a.Int("frames", d.Frames),
                Seed = a.Int("seed", d.Seed),
            Width = a.Int("width", d.Width), Height = a.Int("height", d.Height),
                StepMetres = a.Double("step", d.StepMetres),
            SpeedRange = a.Double("speed-range", d.SpeedRange), Turns = a.Double("turns", d.Turns),
                Sway = a.Double("sway", d.Sway),
            SpeedPeriod = a.Double("speed-period", d.SpeedPeriod),
        };
        var outDir = a.Required("out");
        if (o.Sequences < 1) throw new UsageException("--sequences must be at least 1.");
        if (o.Frames < 5) throw new UsageException("--frames must be at least 5 (one 5-frame snippet).");
        if (o.Width < 16 || o.Height < 16) throw new UsageException("--width and --height must be at least 16.");
        if (!(o.StepMetres > 0)) throw new UsageException("--step (mean metres per frame) must be positive.");
        if (!(o.SpeedRange >= 0 && o.SpeedRange <= 1)) throw new UsageException(
            "--speed-range (fraction of the step the speed varies by) must be between 0 and 1.");
        if (!(o.SpeedPeriod > 0)) throw new UsageException(
            "--speed-period (how much the speed cycles are stretched; 1: stop and go) must be positive.");
        if (!(o.Turns >= 0) || !(o.Sway >= 0)) throw new UsageException("--turns and --sway must be zero or positive.");
        var names = SyntheticOdometry.Write(outDir, o);
        Console.WriteLine(
            $"synth odometry: wrote {names.Count} sequence(s) x {o.Frames} frames at {o.Width}x{o.Height} to {outDir}");
        return 0;
    }
}
