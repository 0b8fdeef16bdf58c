using VideoGradCam.Models;

namespace VideoGradCam.Cam;

/// <summary>The workspace's video classifiers as CAM models.</summary>
public static class VideoClassifierCamExtensions
{
    /// <summary>Wraps the classifier for the CAM engine (see <see cref="VideoClassifierCamModel"/>).</summary>
    public static ICamModel AsCamModel(this IVideoClassifier model) => new VideoClassifierCamModel(model);
}
