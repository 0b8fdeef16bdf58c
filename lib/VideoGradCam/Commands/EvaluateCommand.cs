using VideoGradCam.Runtime;
using VideoGradCam.Study;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace evaluate</c>: accuracy, per-class accuracy and confusion matrix of a checkpoint, as JSON.</summary>
public static class EvaluateCommand
{
    public static readonly Verb Verb = new("evaluate",
        "evaluate --checkpoint CKPT --data DIR [--split test|val|train|all] [--out FILE.json]\n         | " + OdometryCommands.EvaluateUsage,
        "evaluate a checkpoint; prints accuracy and writes a JSON of metrics", Run);

    static int Run(Args a)
    {
        // An SfMLearner checkpoint is a file; a classifier checkpoint is a folder.
        if (File.Exists(a.Required("checkpoint"))) return OdometryCommands.Evaluate(a);
        Cli.ReadProfile(a);
        var checkpoint = a.Required("checkpoint");
        var data = a.Required("data");
        var split = a.String("split", "test");
        var output = a.String("out", Path.Combine(checkpoint, $"evaluation-{split}.json"));
        a.EnsureAllUsed();
        if (!Directory.Exists(checkpoint)) throw new DirectoryNotFoundException($"{checkpoint}: no such checkpoint folder.");
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"{data}: no such data folder.");
        var report = ClassifierStudy.Evaluate(checkpoint, data, split);
        report.Save(output);
        Console.WriteLine($"evaluate: {split} accuracy {report.Accuracy:P1} on {report.Count} clips ({string.Join(", ", report.ClassNames.Select((c, i) => $"{c} {report.PerClassAccuracy[i]:P0}"))})");
        Console.WriteLine($"evaluate: metrics written to {output}");
        return 0;
    }
}
