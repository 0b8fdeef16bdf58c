using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Video;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace train</c>: a video classifier (or SfMLearner) on a data folder, into a checkpoint
/// folder.</summary>
public static class TrainCommand
{
    public static readonly Verb Verb =
        new("train", "train a video classifier or SfMLearner; progress per epoch; checkpoint written atomically",
        [
            Opt.Required("model", "the model: " + Models.ModelRegistry.Names(), "MODEL"),
            Opt.Required("out", "the checkpoint written (a folder; SfMLearner: a .sfm file)", "CKPT"),
            Opt.Computed("data", "class folders of videos (SfMLearner: KITTI-layout sequences)", "DIR",
                "the synthetic set of the profile (classifiers)"),
            Opt.Computed("epochs", "training epochs", "N",
                "classifiers quick " +
                $"{ClassifierSettings.For(ClassifierSettings.StudyModels[0], Profile.Quick).Epochs}, full " +
                $"{ClassifierSettings.For(ClassifierSettings.StudyModels[0], Profile.Full).Epochs}; " +
                $"SfMLearner quick {SfmTrainingOptions.ForProfile(Profile.Quick).Epochs}, full " +
                $"{SfmTrainingOptions.ForProfile(Profile.Full).Epochs}"),
            Opt.Value("frames", "classifiers: frames per clip", "T",
                p => ClassifierSettings.For(ClassifierSettings.StudyModels[0], p).Frames),
            Opt.Value("size", "classifiers: frame size after the centre crop", "S",
                p => ClassifierSettings.For(ClassifierSettings.StudyModels[0], p).Size),
            Opt.Computed("width", "classifiers: network width; SfMLearner: frame width", "W",
                "classifiers quick " +
                $"{ClassifierSettings.For(ClassifierSettings.StudyModels[0], Profile.Quick).Width}, full " +
                $"{ClassifierSettings.For(ClassifierSettings.StudyModels[0], Profile.Full).Width}; " +
                $"SfMLearner quick {SyntheticOdometry.ForProfile(Profile.Quick).Width}, full " +
                $"{SyntheticOdometry.ForProfile(Profile.Full).Width}"),
            Opt.Value("hidden", "classifiers: LSTM hidden size", "N",
                p => ClassifierSettings.For(ClassifierSettings.StudyModels[0], p).HiddenSize),
            Opt.Value("batch", "classifiers: clips per batch", "B",
                p => ClassifierSettings.For(ClassifierSettings.StudyModels[0], p).BatchSize),
            Opt.Computed("lr", "Adam learning rate", "X",
                "classifiers " +
                $"{ClassifierSettings.For(ClassifierSettings.StudyModels[0], Profile.Quick).LearningRate}; " +
                $"SfMLearner {SfmTrainingOptions.ForProfile(Profile.Quick).LearningRate}"),
            Opt.Computed("pose-lr", "SfMLearner: the PoseNet's own Adam learning rate", "X",
                $"{SfmTrainingOptions.ForProfile(Profile.Quick).PoseRate} (the DepthNet's: --lr)"),
            Opt.Value("seed", "random seed", "K",
                p => ClassifierSettings.For(ClassifierSettings.StudyModels[0], p).Seed),
            Opt.Flag("resume", "continue an interrupted run from its last epoch"),
            Opt.Value("batch-size", "SfMLearner: snippets per step", "B",
                p => SfmTrainingOptions.ForProfile(p).BatchSize),
            Opt.Value("sequence-length", "SfMLearner: frames per snippet, 3 or 5", "L", "5"),
            Opt.Value("height", "SfMLearner: frame height", "H", p => SyntheticOdometry.ForProfile(p).Height),
            Opt.Computed("photo-loss-weight", "SfMLearner: photometric loss weight", "W", "the study's loss"),
            Opt.Computed("mask-loss-weight", "SfMLearner: explainability mask weight (0 = no mask)", "W",
                "the study's loss"),
            Opt.Computed("smooth-loss-weight", "SfMLearner: depth smoothness weight", "W", "the study's loss"),
            Opt.Computed("train-sequences", "SfMLearner: training sequences, comma-separated", "00,01",
                "all but the last"),
            Opt.Value("depth-width",
                "SfMLearner: the DepthNet's channel multiplier (1: the port's, whose weights load; 0.5: a quarter of " +
                "the multiply-adds)", "W",
                p => SfmTrainingOptions.ForProfile(p).DepthWidth),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        if (Models.ModelRegistry.Find(
            a.String("model", "")) == Models.ModelRegistry.SfmLearner) return OdometryCommands.Train(a);
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
        foreach (var (option, value) in new[] { ("epochs", settings.Epochs), ("frames", settings.Frames),
            ("size", settings.Size), ("width", settings.Width),
                                                 ("hidden", settings.HiddenSize), ("batch", settings.BatchSize) })
            if (value < 1) throw new UsageException($"--{option} {value}: must be at least 1.");
        if (!(settings.LearningRate > 0)) throw new UsageException($"--lr {settings.LearningRate}: must be positive.");
        if (data is null)
        {
            data = SyntheticActions.EnsureDefault(profile);
            Console.WriteLine($"train: no --data given: using the synthetic action set {data}");
        }
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"{data}: no such data folder.");
        Console.WriteLine($"train: {settings}");
        var history = ClassifierStudy.Train(data, output, settings, resume);
        if (history.Best is { } best)
            Console.WriteLine(
                $"train: best epoch {best.Epoch}: validation loss {best.ValLoss:0.000}, accuracy " +
                $"{best.ValAccuracy:P1}; checkpoint {output}");
        return 0;
    }
}
