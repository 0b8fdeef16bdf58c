using System.Text.Json;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace pose-ceiling</c>: fits SfMLearner's PoseNet to the true poses in SfMLearner's budget and
/// reports its held-out ATE beside both baselines (<see cref="PoseCeiling"/>): how far SfMLearner could get on this
/// data.</summary>
public static class PoseCeilingCommand
{
    public static readonly Verb Verb = new("pose-ceiling",
        "fit the PoseNet to the true poses in SfMLearner's budget: the ATE SfMLearner could reach on this data",
        [
            Opt.Required("data", "KITTI-layout odometry data with poses", "DIR"),
            Opt.Value("epochs", "training epochs (SfMLearner's budget)", "N",
                p => SfmTrainingOptions.ForProfile(p).Epochs),
            Opt.Value("batch-size", "snippets per step", "B", p => SfmTrainingOptions.ForProfile(p).BatchSize),
            Opt.Value("lr", "Adam learning rate", "X", _ => new PoseCeilingOptions().LearningRate),
            Opt.Value("sequence-length", "frames per snippet: 3 or 5", "L",
                _ => new PoseCeilingOptions().SequenceLength),
            Opt.Value("width", "frame width", "W", p => SyntheticOdometry.ForProfile(p).Width),
            Opt.Value("height", "frame height", "H", p => SyntheticOdometry.ForProfile(p).Height),
            Opt.Computed("train-sequences", "training sequences, comma-separated", "00,01", "all but the last"),
            Opt.Computed("sequences", "held-out sequences, comma-separated", "02", "the last"),
            Opt.Value("seed", "random seed", "K", _ => new PoseCeilingOptions().Seed),
            Opt.Value("out", "the JSON written", "FILE", "artifacts/odometry/pose-ceiling.json"),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var data = a.Required("data");
        var sfm = SfmTrainingOptions.ForProfile(profile);   // the same budget as SfMLearner's training
        var d = new PoseCeilingOptions(Epochs: sfm.Epochs, BatchSize: sfm.BatchSize);
        var o = d with
        {
            Epochs = a.Int("epochs", d.Epochs), BatchSize = a.Int("batch-size", d.BatchSize),
                LearningRate = a.Double("lr", d.LearningRate),
            SequenceLength = a.Int("sequence-length", d.SequenceLength), Seed = a.Int("seed", d.Seed),
        };
        var synth = SyntheticOdometry.ForProfile(profile);
        int width = a.Int("width", synth.Width), height = a.Int("height", synth.Height);
        var trainNames = OdometryCommands.ListOption(a, "train-sequences");
        var heldOutNames = OdometryCommands.ListOption(a, "sequences");
        var output = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "odometry", "pose-ceiling.json"));
        if (o.SequenceLength is not (3 or 5)) throw new UsageException("--sequence-length must be 3 or 5.");
        if (o.Epochs < 1 || o.BatchSize < 1) throw new UsageException("--epochs and --batch-size must be positive.");
        if (!(o.LearningRate > 0)) throw new UsageException("--lr must be positive.");
        var all = OdometryDatasets.Open(data).Select(s => s.Name).ToList();
        if (all.Count < 2 && (trainNames is null || heldOutNames is null))
            throw new UsageException(
                $"{data} has {all.Count} sequence(s); the ceiling needs training sequences and a held-out one.");
        trainNames ??= all.Where(n => heldOutNames is null ? n != all[^1] : !heldOutNames.Contains(n)).ToList();
        heldOutNames ??= all.Where(n => !trainNames.Contains(n)).ToList();
        if (trainNames.Count == 0 || heldOutNames.Count == 0) throw new UsageException(
            "--train-sequences and --sequences leave no training or no held-out sequence.");
        var train = OdometryCommands.LoadSequences(data, trainNames, width, height);
        var heldOut = OdometryCommands.LoadSequences(data, heldOutNames, width, height);
        try
        {
            var r = PoseCeiling.Run(train, heldOut, o);
            AtomicFile.WriteAllText(output, JsonSerializer.Serialize(r, OdometryCommands.Json));
            Console.WriteLine(
                $"pose-ceiling: {r.Steps} steps in {r.Seconds:0.0} s; epoch-mean loss " +
                $"{string.Join(", ", r.EpochMeans.Select(m => m.ToString("0.000")))}");
            Print($"held out ({string.Join(", ", heldOutNames)})", r.HeldOutAte, r.HeldOutAgreement);
            if (r.HeldOutSpacing is { } spacing) Console.WriteLine("  " + OdometryCommands.SpacingLine(spacing));
            Print($"training sequence {r.Training.Sequence}", r.Training.Ate, r.Training.Agreement);
            Console.WriteLine(
                $"pose-ceiling: on held-out sequences the fitted PoseNet scores {r.Ate / r.MeanMotionAte:0.00}x the " +
                $"mean-motion baseline's ATE; wrote {output}");
        }
        finally { foreach (var s in train.Concat(heldOut)) s.Dispose(); }
        return 0;
    }

    static void Print(string title, IReadOnlyList<AteRow> ate, PoseAgreement? agreement)
    {
        Console.WriteLine($"{title}:");
        foreach (var row in ate) Console.WriteLine(
            $"  ATE {row.Method,-32} {row.Mean:0.0000} ± {row.Std:0.0000} ({row.Snippets} snippets)");
        if (agreement is null) return;
        Console.WriteLine("  correlation with the true target-to-next motion: " +
            string.Join("  ", agreement.Dofs.Select(x => $"{x.Dof} {OdometryCommands.Signed(x.Correlation)}")));
    }
}
