using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Odometry;

/// <summary>SfMLearner checkpoints (<see cref="SfmLearner.Save"/>) as the workspace loads them: weights that are not
/// all finite are refused, naming the file and the first tensor (DepthNet.* or PoseNet.*) that holds NaN or infinity.
/// </summary>
public static class SfmCheckpoint
{
    /// <summary><see cref="SfmLearner.Load"/>, refusing non-finite weights (<see cref="NonFiniteException"/>).
    /// </summary>
    public static SfmLearner Load(string path)
    {
        var model = SfmLearner.Load(path);
        if (NonFiniteKey(model) is { } key)
        {
            model.Dispose();
            throw NonFiniteException.InWeights(path, key);
        }
        return model;
    }

    /// <summary>Why the checkpoint cannot be used (the file and the first non-finite tensor); null when all are
    /// finite.</summary>
    public static string? NonFiniteWeights(string path)
    {
        using var model = SfmLearner.Load(path);
        return NonFiniteKey(model) is { } key ? $"{path}: '{key}' holds NaN or infinite values" : null;
    }

    /// <summary>The first of the model's tensors (DepthNet's, then PoseNet's) holding NaN or infinity; null if none.
    /// </summary>
    public static string? NonFiniteKey(SfmLearner model) => FiniteCheck.FirstNonFinite(
        model.DepthNet.state_dict().Select(kv => KeyValuePair.Create("DepthNet." + kv.Key, kv.Value))
            .Concat(model.PoseNet.state_dict().Select(kv => KeyValuePair.Create("PoseNet." + kv.Key, kv.Value))));
}
