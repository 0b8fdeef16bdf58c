using VideoGradCam.Runtime;
using VideoGradCam.Study;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace evaluate</c>: accuracy, per-class accuracy and confusion matrix of a checkpoint, as
/// JSON.</summary>
public static class EvaluateCommand
{
    public static readonly Verb Verb =
        new("evaluate",
            "evaluate a checkpoint (a classifier folder, or an SfMLearner .sfm file); prints the metrics and writes " +
            "them as JSON",
        [
            Opt.Required("checkpoint", "classifier checkpoint folder, or SfMLearner checkpoint file (.sfm)", "CKPT"),
            Opt.Required("data", "the data folder (class folders of videos; KITTI-layout sequences for SfMLearner)",
                "DIR"),
            Opt.Value("split", "classifiers: test, val, train or all", "SPLIT", "test"),
            Opt.Computed("sequences", "SfMLearner: sequences to evaluate, comma-separated", "00,01",
                "the held-out ones"),
            Opt.Computed("out", "the JSON written", "FILE", "beside the checkpoint"),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        // An SfMLearner checkpoint is a file; a classifier checkpoint is a folder.
        if (File.Exists(a.Required("checkpoint"))) return OdometryCommands.Evaluate(a);
        Cli.ReadProfile(a);
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var split = a.String("split", "test");
        var output = a.String("out", Path.Combine(checkpoint, $"evaluation-{split}.json"));
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException(
            $"{checkpoint}: no such checkpoint folder.");
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"{data}: no such data folder.");
        var report = ClassifierStudy.Evaluate(checkpoint, data, split);
        report.Save(output);
        Console.WriteLine(
            $"evaluate: {split} accuracy {report.Accuracy:P1} on {report.Count} clips " +
            $"({string.Join(", ", report.ClassNames.Select((c, i) => $"{c} {report.PerClassAccuracy[i]:P0}"))})");
        Console.WriteLine($"evaluate: metrics written to {output}");
        return 0;
    }
}
