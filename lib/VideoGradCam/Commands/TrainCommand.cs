using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace train</c>: a video classifier (or SfMLearner) on a data folder, into a checkpoint folder.</summary>
public static class TrainCommand
{
    public static readonly Verb Verb = new("train",
        $"train --model {string.Join('|', Models.ModelRegistry.OfKind(Models.ModelKind.VideoClassifier))} [--data DIR] --out CKPT [--epochs N --frames T --size S --width W --batch B --lr X --seed K --resume]\n         | " + OdometryCommands.TrainUsage,
        "train a model; progress per epoch; checkpoint written atomically", Run);

    static int Run(Args a)
    {
        if (Models.ModelRegistry.Find(a.String("model", "")) == Models.ModelRegistry.SfmLearner) return OdometryCommands.Train(a);
        var profile = Cli.ReadProfile(a);
        var model = Models.ModelRegistry.Find(a.Required("model"))?.Name
            ?? throw new UsageException($"Unknown model '{a.Required("model")}': use {Models.ModelRegistry.Names()}.");
        var defaults = ClassifierSettings.For(model, profile);
        var settings = defaults with
        {
            Epochs = a.Int("epochs", defaults.Epochs),
            Frames = a.Int("frames", defaults.Frames),
            Size = a.Int("size", defaults.Size),
            Width = a.Int("width", defaults.Width),
            HiddenSize = a.Int("hidden", defaults.HiddenSize),
            BatchSize = a.Int("batch", defaults.BatchSize),
            LearningRate = a.Double("lr", defaults.LearningRate),
            Seed = a.Int("seed", defaults.Seed),
        };
        var output = a.Required("out");
        var data = a.Optional("data");
        var resume = a.Flag("resume");
        a.EnsureAllUsed();
        if (data is null)
        {
            data = SyntheticActions.EnsureDefault(profile);
            Console.WriteLine($"train: no --data given: using the synthetic action set {data}");
        }
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"{data}: no such data folder.");
        Console.WriteLine($"train: {settings}");
        var history = ClassifierStudy.Train(data, output, settings, resume);
        if (history.Best is { } best)
            Console.WriteLine($"train: best epoch {best.Epoch}: validation loss {best.ValLoss:0.000}, accuracy {best.ValAccuracy:P1}; checkpoint {output}");
        return 0;
    }
}
