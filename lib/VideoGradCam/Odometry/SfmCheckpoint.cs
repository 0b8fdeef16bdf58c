using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;

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
        if (model.FirstNonFiniteWeight() is { } key)
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
        return model.FirstNonFiniteWeight() is { } key ? $"{path}: '{key}' holds NaN or infinite values" : null;
    }
}
