using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;
using TorchSharp;

namespace VideoGradCam.Study;

/// <summary>A data set cut into the three parts the study uses: train, validation (best epoch), test
/// (reported).</summary>
public sealed record DataSplits(VideoDataset Train, VideoDataset Validation, VideoDataset Test)
{
    public VideoDataset this[string name] => name switch
    {
        "train" => Train,
        "val" or "validation" => Validation,
        "test" => Test,
        "all" => new VideoDataset(Train.Root, Train.ClassNames, [.. Train.Items, .. Validation.Items, .. Test.Items]),
        _ => throw new ArgumentException($"Unknown split '{name}': use train, val, test or all."),
    };
}

/// <summary>
/// Training and evaluating the video classifiers: the calls that <c>./workspace train/evaluate</c>, the notebooks
/// and <c>reproduce</c> make, so each is one implementation.
/// </summary>
public static class ClassifierStudy
{
    /// <summary>Stratified, seeded: 60% train, 20% validation, 20% test.</summary>
    public static DataSplits Split(VideoDataset all, int seed = Seeds.Default)
    {
        var few = all.CountPerClass().Where(kv => kv.Value < MinClipsPerClass).ToList();
        if (few.Count > 0)
            throw new InvalidDataException(
                $"{all.Root}: " +
                $"{string.Join(", ", few.Take(5).Select(kv => $"class '{kv.Key}' has {kv.Value} clip(s)"))}" +
                $"{(few.Count > 5 ? $" (and {few.Count - 5} more)" : "")}; training needs at least " +
                $"{MinClipsPerClass} per class (one each for training, validation and test).");
        var (rest, test) = all.StratifiedSplit(0.2, seed);
        var (train, validation) = rest.StratifiedSplit(0.25, seed + 1);
        return new DataSplits(train, validation, test);
    }

    /// <summary>The fewest clips per class <see cref="Split"/> accepts: one for each of training, validation and
    /// test.</summary>
    public const int MinClipsPerClass = 3;

    /// <summary>The frame sampler for a checkpoint's data: T frames, shorter side resized to the crop, centre
    /// crop.</summary>
    public static FrameSamplerOptions Sampler(DataSpec data) => new()
    {
        Frames = data.Frames,
        ResizeShorterSide = data.Height,
        ResizeTo = data.ResizeWidth > 0 ? (data.ResizeWidth, data.ResizeHeight) : null,
        Stride = data.Stride,
        CropSize = data.Height,
        Crop = CropMode.Center,
        Normalization = new Normalization("checkpoint", data.Mean.Select(m => (float)m).ToArray(),
            data.Std.Select(s => (float)s).ToArray()),
        Layout = ClipLayout.CTHW,
        ShortVideo = ShortVideoPolicy.RepeatLast,
    };

    public static DataSpec DataFor(ClassifierSettings s) =>
        ModelRegistry.Get(s.Architecture).Statistics == InputStatistics.Kinetics400
            ? DataSpec.Kinetics400 with { Frames = s.Frames, Height = s.Size, Width = s.Size }
            : DataSpec.ImageNet(s.Frames, s.Size, s.Size);

    /// <summary>Trains <paramref name="s"/>'s model on <paramref name="dataRoot"/> (class-per-folder) into the
    /// checkpoint folder <paramref name="output"/>.</summary>
    /// <param name="initialWeights">a torchvision state_dict (e.g. Kinetics-400 <c>r3d_18</c>) loaded into every layer
    /// but the final fc, which keeps its fresh initialisation for this data's classes; the model must then have
    /// torchvision's width (64).</param>
    public static TrainHistory Train(string dataRoot, string output, ClassifierSettings s, bool resume = false,
        Action<EpochRecord>? onEpoch = null,
        string? initialWeights = null) =>
        Train(dataRoot, output, s, splitSeed: s.Seed, resume, onEpoch, initialWeights);

    /// <summary>The same with the data split drawn from <paramref name="splitSeed"/> rather than <paramref name="s"/>'s
    /// seed: a study seed k &gt; 0 trains with <c>Seed + 1000·k</c> (weight initialisation, shuffling) on the same
    /// split as seed 0.</summary>
    public static TrainHistory Train(string dataRoot, string output, ClassifierSettings s, int splitSeed,
        bool resume = false,
        Action<EpochRecord>? onEpoch = null, string? initialWeights = null)
    {
        var splits = Split(VideoDataset.FromFolders(dataRoot), splitSeed);
        var data = DataFor(s);
        var sampler = Sampler(data);
        Seeds.Set(s.Seed);
        var model = VideoModels.Create(
            new VideoModelConfig(s.Architecture, splits.Train.ClassNames.Count, s.Width, s.HiddenSize, s.HiddenSize));
        if (initialWeights is not null) LoadBackbone(model, initialWeights);
        model.to(ComputeDevice.Default);
        var trainLoader = new VideoLoader(splits.Train, sampler,
            new LoaderOptions { BatchSize = s.BatchSize, Shuffle = true, RandomFlip = true, Seed = s.Seed });
        var valLoader =
            new VideoLoader(splits.Validation, sampler, new LoaderOptions { BatchSize = s.BatchSize, Shuffle = false });
        // The loader shuffles by epoch index: a resumed run continues with the index where it stopped, so it sees the
        // same batches as an uninterrupted one.
        int epoch = resume && Checkpoint.Exists(output) ? Checkpoint.ReadInfo(output).Epoch : 0;
        var history = Trainer.Fit(model, () => trainLoader.Batches(epoch++), () => valLoader.Batches(),
            new TrainOptions(s.Epochs, s.LearningRate, Seed: s.Seed), output, splits.Train.ClassNames, data, resume,
                onEpoch);
        model.Dispose();
        return history;
    }

    /// <summary>Accuracy, per-class accuracy and the confusion matrix of a checkpoint on one split of
    /// <paramref name="dataRoot"/>.</summary>
    public static EvaluationReport Evaluate(string checkpoint, string dataRoot, string split = "test",
        int seed = Seeds.Default)
    {
        var loaded = Checkpoint.Load(checkpoint);
        var data = VideoDataset.FromFolders(dataRoot);
        if (!data.ClassNames.SequenceEqual(loaded.Info.ClassNames))
            throw new InvalidDataException(
                $"{dataRoot}: classes [{string.Join(", ", data.ClassNames)}] differ from the checkpoint's " +
                $"[{string.Join(", ", loaded.Info.ClassNames)}] ({checkpoint}).");
        var part = Split(data, seed)[split];
        loaded.Model.to(ComputeDevice.Default);
        var loader =
            new VideoLoader(part, Sampler(loaded.Info.Data), new LoaderOptions { BatchSize = 8, Shuffle = false });
        var report = Evaluator.Evaluate(loaded.Model, loader.Batches(), loaded.Info.ClassNames);
        loaded.Model.Dispose();
        return report;
    }

    /// <summary>The study's checkpoint for <paramref name="architecture"/> in <paramref name="run"/>: trained on the
    /// run's action set (the synthetic one, or the five study classes of a real one) when missing or stale, reused
    /// otherwise (and resumed when a run was interrupted); cached by settings and data (a real folder's path included).
    /// With <see cref="StudyData.R3dWeights"/>, the R3D-18 starts from them at torchvision's width (64) and is
    /// fine-tuned. Study seed k &gt; 0 trains with <c>ClassifierSettings.Seed + 1000·k</c> (weight initialisation,
    /// shuffling) on the same data and split, in its own folder (<see cref="CheckpointFolder"/>); seed 0 is the study's
    /// checkpoint. The full profile's seed 0 on the synthetic set starts from the shipped model
    /// (<see cref="StudyRun.UsesShippedModels"/>) when its recipe is the code's.</summary>
    public static string EnsureTrained(string architecture, StudyRun run)
    {
        CheckSeed(run.Seed);
        var dataRoot = run.Actions.EnsureActions(run.Profile);
        var settings = SettingsFor(architecture, run);
        var splitSeed = SettingsFor(architecture, run with { Seed = 0 }).Seed;
        var weights = InitialWeights(architecture, run.Actions);
        var folder = CheckpointFolder(architecture, run.Profile, run.Seed);
        var key = TrainingKey(architecture, run);
        if (run.UsesShippedModels && ShippedModels.EnsureInstalled(architecture, folder, key, run.Force)) return folder;
        // Retraining replaces shipped weights even though they were made by the same recipe.
        bool force = run.Force || (run.Retrain && ModelProvenance.Read(folder)?.IsShipped == true);
        StepCache.Ensure(folder, run.Seed == 0 ? $"train {architecture}" : $"train {architecture} (seed {run.Seed})",
            key, (dir, resume) => Train(dataRoot, dir, settings, splitSeed, resume, initialWeights: weights), force,
            Checkpoint.NonFiniteWeights);
        return folder;
    }

    /// <summary>What a study checkpoint depends on (its cache key): the settings and the data (synthetic: its settings,
    /// as always; real: the folder's path and classes, and the initial weights' path). Seed 0's key is the one the
    /// study always used (existing checkpoints stay valid); seed k's adds its training seed and the split's
    /// seed.</summary>
    public static object TrainingKey(string architecture, StudyRun run)
    {
        CheckSeed(run.Seed);
        var data = run.Actions;
        var settings = SettingsFor(architecture, run with { Seed = 0 });
        object key = data.IsSynthetic
            ? new { settings, data = SyntheticActionSettings.For(run.Profile) }
            : new { settings, data = data.ActionsIdentity(run.Profile), weights = InitialWeights(architecture, data) };
        return run.Seed == 0 ? key : new { key, seed = run.Seed, trainingSeed = SettingsFor(architecture, run).Seed,
            splitSeed = settings.Seed };
    }

    /// <summary>The profile's settings, at torchvision's width (64) when the model starts from published weights, with
    /// training seed <c>Seed + 1000·k</c> for study seed k (far apart: the trainer reseeds every epoch with Seed +
    /// epoch).</summary>
    public static ClassifierSettings SettingsFor(string architecture, StudyRun run)
    {
        CheckSeed(run.Seed);
        var settings = ClassifierSettings.For(architecture, run.Profile);
        if (InitialWeights(architecture, run.Actions) is not null) settings = settings with { Width = 64 };
        return settings with { Seed = settings.Seed + SeedStride * run.Seed };
    }

    /// <summary>Distance between the training seeds of study seeds k and k+1: the trainer reseeds each epoch with
    /// Seed + epoch, so neighbouring seeds would replay each other's epochs.</summary>
    public const int SeedStride = 1000;

    /// <summary><paramref name="seed"/> when it is a study seed (0, 1, 2, ...); otherwise
    /// ArgumentOutOfRangeException.</summary>
    public static int CheckSeed(int seed) =>
        seed >= 0 ? seed : throw new ArgumentOutOfRangeException(nameof(seed), seed, "A study seed is 0, 1, 2, ...");

    static string? InitialWeights(string architecture, StudyData data) => architecture == ModelRegistry.R3D18.Name
        ? data.R3dWeights : null;

    /// <summary>Loads <paramref name="path"/> into every parameter but the final fc (strict on all others: missing or
    /// misshaped keys are named); the fc keeps the model's own initialisation, sized for this data's classes.</summary>
    public static void LoadBackbone(TorchSharp.torch.nn.Module model, string path)
    {
        var weights = StateDictLoader.Read(path);
        try
        {
            foreach (var k in new[] { "fc.weight", "fc.bias" }) { if (weights.Remove(k, out var t)) t.Dispose(); }
            var own = model.state_dict();
            foreach (var k in new[] { "fc.weight", "fc.bias" }) if (own.TryGetValue(k, out var t)) weights[k] =
                t.detach().clone();
            StateDictLoader.LoadTensors(model, weights, path);
        }
        finally { foreach (var t in weights.Values) t.Dispose(); }
    }

    /// <summary>Accuracy on the classes that differ only in frame order (raise/lower): at chance (50%) for a model that
    /// ignores time.</summary>
    public static double TimeReversedPairAccuracy(EvaluationReport report)
    {
        var classes = SyntheticActions.TimeReversedPairs.SelectMany(p => new[] { p.Forward, p.Reversed })
            .Select(name => report.ClassNames.ToList().IndexOf(name)).Where(i => i >= 0).ToList();
        return classes.Count == 0 ? double.NaN : report.AccuracyOver(classes);
    }

    /// <summary>Study seed <paramref name="seed"/>'s checkpoint folder: <c>checkpoints/&lt;arch&gt;-&lt;profile&gt;</c>
    /// for seed 0, <c>checkpoints/&lt;arch&gt;-&lt;profile&gt;-seed&lt;k&gt;</c> for seed k &gt; 0.</summary>
    public static string CheckpointFolder(string architecture, Profile profile, int seed = 0) =>
        Path.Combine(WorkspacePaths.Artifacts(), "checkpoints", $"{architecture}-{profile.Name()}") + SeedSuffix(seed);

    /// <summary>The folder-name suffix of study seed <paramref name="seed"/>: none for seed 0, <c>-seed&lt;k&gt;</c>
    /// otherwise.</summary>
    public static string SeedSuffix(int seed)
    {
        CheckSeed(seed);
        return seed == 0 ? "" : $"-seed{seed}";
    }
}
