using VideoGradCam.Models;
using VideoGradCam.Training;

namespace VideoGradCam.Study;

/// <summary>
/// Published PyTorch weights turned into a workspace checkpoint, so every verb and notebook that takes a checkpoint
/// (explain, evaluate-cam, notebook 04) works with them: e.g. torchvision's Kinetics-400 <c>r3d_18-b3b3357e.pth</c>.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>Loads <paramref name="weights"/> strictly into <paramref name="architecture"/> (full width) and writes
    /// a checkpoint folder. Class names default to Kinetics-400's; the clip format to torchvision's video models
    /// (<see cref="DataSpec.Kinetics400Recipe"/>: 16 consecutive frames, 128x171 then centre crop 112, Kinetics
    /// normalisation).</summary>
    public static string Import(string architecture, string weights, string output,
        IReadOnlyList<string>? classNames = null, DataSpec? data = null, int width = 64)
    {
        if (!File.Exists(weights)) throw new FileNotFoundException($"{weights}: no such weights file.", weights);
        classNames ??= VideoModels.Kinetics400Classes();
        var config = new VideoModelConfig(architecture, classNames.Count, width);
        using var model = VideoModels.Create(config);
        StateDictLoader.Load(model, weights);           // strict: lists missing and unexpected keys on a mismatch
        Directory.CreateDirectory(output);
        Checkpoint.SaveWeights(output, model, Checkpoint.BestWeights);
        Checkpoint.SaveInfo(output, new CheckpointInfo(config, classNames, data ?? DataSpec.Kinetics400Recipe, 0, 0,
            double.NaN, 0, double.NaN, 0,
            TrainOptions.Study(0), new TrainHistory([])));
        return output;
    }
}
