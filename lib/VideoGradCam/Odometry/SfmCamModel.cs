using VideoGradCam.Cam;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// SfMLearner as the CAM engine sees it: a <see cref="ModuleCamModel"/> over its PoseNet ("pose.*") and DepthNet
/// ("depth.*"), whose outputs are the view-synthesis loss and the pose. Input: a stacked snippet [B,(1+N)·3,H,W]
/// (target first, see <see cref="Snippet.Stacked"/>). Outputs: "loss" [B] (per-sample view-synthesis loss at the finest
/// scale: w_p·photometric + w_s·smoothness, with the weights the checkpoint was trained with unless given), "pose"
/// [B,N·6] (reference i's DoF d at i·6+d), "depth" [B,H,W], "photometric" [B]. Any layer of either network can be
/// explained; the study's are "pose.conv7" (PoseNet's last encoder conv), "pose.conv4" and "depth.iconv1" (DepthNet's
/// last decoder stage). <see cref="PoseLayerChoice"/> picks the deepest PoseNet layer whose map still has a spatial
/// layout.
/// </summary>
public static class SfmCamModel
{
    public const string PoseLayer = "pose.conv7", PoseMidLayer = "pose.conv4", DepthLayer = "depth.iconv1";

    /// <summary>The study's layers. conv7 is 1x1 at inputs up to 128 pixels high and wide (seven stride-2 convs), so
    /// its Grad-CAM map is flat; conv4 keeps a coarse spatial layout.</summary>
    public static readonly IReadOnlyList<string> Layers = [PoseLayer, PoseMidLayer, DepthLayer];

    /// <summary>The PoseNet's seven stride-2 encoder convs, shallow to deep ("pose.conv1" .. "pose.conv7").</summary>
    public static readonly IReadOnlyList<string> PoseEncoderLayers =
        Enumerable.Range(1, 7).Select(i => $"pose.conv{i}").ToList();

    /// <summary>True for a layer the study's commands explain: one of <see cref="Layers"/> or
    /// <see cref="PoseEncoderLayers"/>.</summary>
    public static bool IsLayer(string layer) => Layers.Contains(layer) || PoseEncoderLayers.Contains(layer);

    /// <summary>Every layer name <see cref="IsLayer"/> accepts, for messages.</summary>
    public static string LayerNames => string.Join(", ", Layers.Concat(PoseEncoderLayers).Distinct());

    /// <summary>Index into "pose" of reference <paramref name="reference"/>'s DoF (tx,ty,tz,rx,ry,rz).</summary>
    public static int PoseComponent(int reference, string dof)
    {
        int d = PoseMath.DofNames.ToList().IndexOf(dof);
        if (d < 0) throw new ArgumentException(
            $"Unknown DoF '{dof}': use one of {string.Join(", ", PoseMath.DofNames)}.");
        return reference * 6 + d;
    }

    /// <summary>The CAM model of <paramref name="model"/> for snippets with <paramref name="intrinsics"/> ([3,3] or
    /// [B,3,3]), its loss weighted by <paramref name="weights"/> (default: those it was trained with; a checkpoint
    /// without recorded weights was trained with the port's).</summary>
    public static ModuleCamModel For(SfmLearner model, Tensor intrinsics, LossWeights? weights = null)
    {
        var w = weights ?? model.Settings.Loss ?? LossWeights.Port;
        return new ModuleCamModel([("pose", model.PoseNet), ("depth", model.DepthNet)],
            input => Outputs(model, intrinsics, w, input), ActivationLayout.Image);
    }

    static IReadOnlyDictionary<string, Tensor> Outputs(SfmLearner model, Tensor intrinsics, LossWeights w, Tensor input)
    {
        var (target, references) = Snippet.Unstack(input);
        long b = input.shape[0];
        var disparity = model.DepthNet.call(target)[0];                    // [B,1,H,W]
        var depth = 1 / disparity;
        var pose = model.PoseNet.call(target, references).Pose;            // [B,N,6]
        var k = intrinsics.shape[0] == b ? intrinsics : intrinsics.expand(b, 3, 3);
        var photometric = ViewSynthesisLoss.PhotometricPerSample(target, references, k, [depth], [], pose,
            w.OverValidPixels, w.CommonValidPixels);
        var loss = photometric * w.Photometric + ViewSynthesisLoss.SmoothnessPerSample([depth]) * w.Smoothness;
        return new Dictionary<string, Tensor>
        {
            ["loss"] = loss, ["pose"] = pose.reshape(b, -1), ["depth"] = depth[.., 0], ["photometric"] = photometric,
        };
    }
}
