using VideoGradCam.Cam;

namespace VideoGradCam.Models;

public static class VideoClassifierCamExtensions
{
    /// <summary>Wraps the classifier for the CAM engine (see <see cref="Cam.VideoClassifierCamModel"/>).</summary>
    public static ICamModel AsCamModel(this IVideoClassifier model) => new Cam.VideoClassifierCamModel(model);
}
