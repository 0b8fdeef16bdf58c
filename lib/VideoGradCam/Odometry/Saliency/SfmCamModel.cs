using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// SfMLearner as the CAM engine sees it. Input: a stacked snippet [B,(1+N)·3,H,W] (target first, see
/// <see cref="Snippet.Stacked"/>). Outputs: "loss" [B] (per-sample view-synthesis loss at the finest scale:
/// w_p·photometric + w_s·smoothness, with the weights the checkpoint was trained with unless given), "pose" [B,N·6] (reference i's DoF d at i·6+d). Layers: "pose.conv7"
/// (PoseNet's last encoder conv, the study's choice), "pose.conv4" (three convs earlier, still spatial at small inputs)
/// and "depth.iconv1" (DepthNet's last decoder stage).
/// </summary>
public sealed class SfmCamModel(SfmLearner model, Tensor intrinsics, LossWeights? weights = null) : ICamModel
{
    public const string PoseLayer = "pose.conv7", PoseMidLayer = "pose.conv4", DepthLayer = "depth.iconv1";

    /// <summary>The study's PoseNet layer, conv7, is 1x1 at inputs up to 128 pixels high and wide (seven stride-2
    /// convs: 40x128 -> 1x1, so its Grad-CAM map is flat); conv4 (40x128 -> 3x8) keeps a coarse spatial layout.</summary>
    public static readonly IReadOnlyList<string> Layers = [PoseLayer, PoseMidLayer, DepthLayer];

    // a checkpoint without a recorded loss predates the recipe change: it was trained with the port's loss
    readonly LossWeights _w = weights ?? model.Settings.Loss ?? LossWeights.Port;

    /// <summary>Index into "pose" of reference <paramref name="reference"/>'s DoF (tx,ty,tz,rx,ry,rz).</summary>
    public static int PoseComponent(int reference, string dof)
    {
        int d = PoseMath.DofNames.ToList().IndexOf(dof);
        if (d < 0) throw new ArgumentException($"Unknown DoF '{dof}': use one of {string.Join(", ", PoseMath.DofNames)}.");
        return reference * 6 + d;
    }

    public CamForward Forward(Tensor input, string layer)
    {
        if (!Layers.Contains(layer)) throw new ArgumentException($"Unknown layer '{layer}': use {string.Join(" or ", Layers)}.");
        model.Train(false);
        var (target, references) = Snippet.Unstack(input);
        long b = input.shape[0];
        var disparity = model.DepthNet.call(target)[0];                    // [B,1,H,W]
        var depth = 1 / disparity;
        var pose = model.PoseNet.call(target, references);                // [B,N,6]
        var k = intrinsics.shape[0] == b ? intrinsics : intrinsics.expand(b, 3, 3);
        var photometric = ViewSynthesisLoss.PhotometricPerSample(target, references, k, [depth], [], pose.Pose, _w.OverValidPixels);
        var loss = photometric * _w.Photometric + ViewSynthesisLoss.SmoothnessPerSample([depth]) * _w.Smoothness;
        var outputs = new Dictionary<string, Tensor>
        {
            ["loss"] = loss, ["pose"] = pose.Pose.reshape(b, -1), ["depth"] = depth[.., 0], ["photometric"] = photometric,
        };
        var activation = layer switch { PoseLayer => pose.Conv7, PoseMidLayer => pose.Conv4, _ => model.DepthNet.LastIconv1! };
        return new CamForward(outputs, activation, ActivationLayout.Image, 1, (1, (int)input.shape[2], (int)input.shape[3]));
    }
}
