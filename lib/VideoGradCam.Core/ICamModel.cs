using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>How the activation tensor of the target layer is laid out.</summary>
public enum ActivationLayout
{
    /// <summary>[B, C, h, w]: an image model (e.g. SfMLearner's PoseNet / DepthNet).</summary>
    Image,
    /// <summary>[B, C, t, h, w]: a 3D convolutional video model.</summary>
    Volume,
    /// <summary>[B*T, C, h, w]: a 2D CNN applied to every frame (clip-major, time-minor);
    /// <see cref="CamForward.Frames"/> gives T.</summary>
    Framewise,
}

/// <summary>One forward pass as the CAM engine sees it: named outputs, and the target layer's activation (in the
/// graph).</summary>
/// <param name="Outputs">named outputs: "logits" for classifiers, "pose", "loss" ([B], per sample), ... for
/// odometry.</param>
/// <param name="Activation">the target layer's activation, shaped per <paramref name="Layout"/>.</param>
/// <param name="Frames">T for <see cref="ActivationLayout.Framewise"/>; the input's T for volumes; 1 for
/// images.</param>
/// <param name="InputSize">(T, H, W) of the input the maps are upsampled to.</param>
public sealed record CamForward(
    IReadOnlyDictionary<string, Tensor> Outputs, Tensor Activation, ActivationLayout Layout, int Frames,
        (int T, int H, int W) InputSize);

/// <summary>Anything the engine can explain: run forward on an input and return the target layer's
/// activation.</summary>
public interface ICamModel
{
    /// <summary>Runs the model on <paramref name="input"/> (batch first) with autograd on and returns its named outputs
    /// and the activation of <paramref name="layer"/>, both in the graph.</summary>
    CamForward Forward(Tensor input, string layer);
}

/// <summary>What a map explains: a differentiable scalar per sample, read from the outputs (pytorch-grad-cam's
/// targets).</summary>
public interface ICamTarget
{
    /// <summary>The score of sample <paramref name="sample"/>: a 0-d tensor in the autograd graph.</summary>
    Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample);
}
