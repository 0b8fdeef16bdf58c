using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>
/// A video classifier as the CAM engine sees it: outputs <c>"logits"</c> (and <c>"attention"</c> when the model has
/// it), the activation of the requested layer (in the graph), laid out as a volume (3D nets) or per frame (CNN-LSTMs).
/// </summary>
public sealed class VideoClassifierCamModel(IVideoClassifier model) : ICamModel
{
    public IVideoClassifier Model { get; } = model;

    public CamForward Forward(Tensor clips, string layer)
    {
        var f = Model.Forward(clips, [layer]);                                    // clips: [B,C,T,H,W]
        var outputs = new Dictionary<string, Tensor> { ["logits"] = f.Logits };
        if (f.Attention is not null) outputs["attention"] = f.Attention;
        int frames = (int)clips.shape[2];
        var layout = Model.FramewiseActivations ? ActivationLayout.Framewise : ActivationLayout.Volume;
        return new CamForward(outputs, f.Activations[layer], layout, frames, (frames, (int)clips.shape[3], (int)clips.shape[4]));
    }
}

public static class VideoClassifierCamExtensions
{
    /// <summary>Wraps the classifier for the CAM engine.</summary>
    public static ICamModel AsCamModel(this IVideoClassifier model) => new VideoClassifierCamModel(model);
}
