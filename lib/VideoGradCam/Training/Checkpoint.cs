using System.Text.Json;
using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Training;

/// <summary>What a checkpoint says about its model and data (<c>checkpoint.json</c>).</summary>
/// <param name="Model">rebuilds the architecture.</param>
/// <param name="ClassNames">index -> class name.</param>
/// <param name="Data">frames, size and normalisation the model was trained with.</param>
/// <param name="Epoch">epochs completed.</param>
/// <param name="BestEpoch">the epoch whose weights are in <c>model.pt</c> (lowest validation loss).</param>
/// <param name="BestValLoss">its validation loss.</param>
/// <param name="LearningRate">the learning rate for the next epoch (resume).</param>
/// <param name="PlateauBest">ReduceLROnPlateau's best loss (resume).</param>
/// <param name="PlateauBadEpochs">ReduceLROnPlateau's count of epochs without improvement (resume).</param>
public sealed record CheckpointInfo(
    VideoModelConfig Model,
    IReadOnlyList<string> ClassNames,
    DataSpec Data,
    int Epoch,
    int BestEpoch,
    double BestValLoss,
    double LearningRate,
    double PlateauBest,
    int PlateauBadEpochs,
    TrainOptions Options,
    TrainHistory History);

/// <summary>A model rebuilt from a checkpoint, and what the checkpoint says about it.</summary>
public sealed record LoadedCheckpoint(VideoClassifier Model, CheckpointInfo Info);

/// <summary>
/// A checkpoint is a folder:
/// <c>checkpoint.json</c> (<see cref="CheckpointInfo"/>), <c>model.pt</c> (the best weights, a PyTorch state_dict that
/// <c>torch.load</c> reads), <c>last.pt</c> and <c>optimizer.bin</c> (the last epoch's weights and Adam state, to
/// resume). Every file is written to a temp name and renamed; <c>checkpoint.json</c> is written last.
/// </summary>
public static class Checkpoint
{
    public const string InfoFile = "checkpoint.json", BestWeights = "model.pt", LastWeights = "last.pt",
        OptimizerFile = "optimizer.bin";

    static readonly JsonSerializerOptions Json = JsonDefaults.CamelCase;

    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, InfoFile));

    public static void SaveInfo(string folder, CheckpointInfo info) =>
        AtomicFile.WriteAllText(Path.Combine(folder, InfoFile), JsonSerializer.Serialize(info, Json));

    public static void SaveWeights(string folder, nn.Module model, string file) =>
        StateDictLoader.Save(model, Path.Combine(folder, file));

    public static void SaveOptimizer(string folder, TorchSharp.Modules.OptimizerHelper optimizer) =>
        AtomicFile.Write(Path.Combine(folder, OptimizerFile), tmp => optimizer.save_state_dict(tmp));

    /// <summary>Removes the checkpoint's files from <paramref name="folder"/> (its description first, so that a partial
    /// removal leaves no checkpoint); other files stay.</summary>
    public static void Remove(string folder)
    {
        foreach (var file in new[] { InfoFile, BestWeights, LastWeights, OptimizerFile })
            if (File.Exists(Path.Combine(folder, file))) File.Delete(Path.Combine(folder, file));
    }

    /// <summary>Why the checkpoint's best weights cannot be used (the file and the first tensor holding NaN or
    /// infinity); null when they are all finite.</summary>
    public static string? NonFiniteWeights(string folder)
    {
        var path = Path.Combine(folder, BestWeights);
        var weights = StateDictLoader.Read(path);
        try
        {
            return FiniteCheck.FirstNonFinite(weights) is { } key
                ? $"{path}: '{key}' holds NaN or infinite values" : null;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    public static CheckpointInfo ReadInfo(string folder)
    {
        var path = Path.Combine(folder, InfoFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"Not a checkpoint: {path} is missing.", path);
        try
        {
            return JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty checkpoint description.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid checkpoint description: {e.Message}", e);
        }
    }

    /// <summary>Rebuilds the model from <c>checkpoint.json</c> and loads the best weights (or the last, for resume).
    /// <paramref name="expectedArchitecture"/>, when given, must match the checkpoint's.</summary>
    public static LoadedCheckpoint Load(string folder, string? expectedArchitecture = null, bool last = false)
    {
        var info = ReadInfo(folder);
        if (expectedArchitecture is { } a && a != info.Model.Architecture)
            throw new InvalidDataException(
                $"{folder}: the checkpoint holds a {info.Model.Architecture} model, not {a}.");
        var model = VideoModels.Create(info.Model);
        LoadWeights(model, folder, last);
        return new LoadedCheckpoint(model, info);
    }

    /// <summary>Loads a checkpoint's weights into an existing model: fails listing missing and unexpected keys when
    /// the model's architecture (or width) differs from the checkpoint's.</summary>
    public static void LoadWeights(nn.Module model, string folder, bool last = false) =>
        StateDictLoader.Load(model, Path.Combine(folder, last ? LastWeights : BestWeights));
}
