using VideoGradCam.Models;

namespace VideoGradCam.Cam;

public static class VideoClassifierCamExtensions
{
    /// <summary>Wraps the classifier for the CAM engine (see <see cref="VideoClassifierCamModel"/>).</summary>
    public static ICamModel AsCamModel(this IVideoClassifier model) => new VideoClassifierCamModel(model);
}
