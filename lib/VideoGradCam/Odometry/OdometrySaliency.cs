using VideoGradCam.Cam;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>The maps of one snippet, each [H,W] on the target frame; Frame is [H,W,3] RGB in [0,1].</summary>
/// <param name="PerDof">the per-DoF maps, by DoF name, and their layer.</param>
/// <param name="LayerSizes">the spatial size (h, w) of each explained layer's activation: a 1×1 layer can only give a
/// constant map.</param>
public sealed record OdometryExplanation(float[,,] Frame, float[,] Depth, float[,] ErrorMap,
    IReadOnlyDictionary<string, float[,]> NegativeLossMaps, PerDofMaps PerDof, double Loss, double[] Pose,
    IReadOnlyDictionary<string, (int H, int W)>? LayerSizes = null)
{
    /// <summary>True when a map is the same everywhere (nothing to see): Grad-CAM's normalisation then leaves all
    /// zeros.</summary>
    public static bool IsFlat(float[,] map)
    {
        float lo = float.MaxValue, hi = float.MinValue;
        foreach (var v in map) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return !(hi - lo > 1e-6f);
    }

    /// <summary>Why <paramref name="layer"/>'s map can be constant, in words (its activation's size against the
    /// frame's).</summary>
    public string WhyFlat(string layer) =>
        LayerSizes is not null && LayerSizes.TryGetValue(layer, out var s) && s.H * s.W == 1
            ? $"{layer} is {s.W}×{s.H} at {Frame.GetLength(1)}×{Frame.GetLength(0)}: one cell, so its map is constant"
            : $"no spatial signal at {layer} here";
}

/// <summary>The maps of one snippet for single pose components (target = one DoF with a sign), by DoF name, all at
/// one <paramref name="Layer"/> (null: not recorded).</summary>
public sealed record PerDofMaps(IReadOnlyDictionary<string, float[,]> Maps, string? Layer = null);

/// <summary>
/// Regression Grad-CAM for SfMLearner: the study's map (target = negative view-synthesis loss) on PoseNet's last
/// encoder conv, on conv4, on the deepest PoseNet conv with at least 4×4 cells at the snippet's size
/// (<see cref="PoseLayerChoice"/>: where the study's faithfulness is measured) and on DepthNet's last decoder stage,
/// per-DoF maps (target = one pose component with a sign), and the per-pixel photometric error map beside them. All
/// through <see cref="CamEngine"/>.
/// </summary>
public static class OdometrySaliency
{
    /// <summary>The DoFs mapped by default: every component of the first later reference (t+1), sign +1.</summary>
    public static IReadOnlyList<(string Name, int Component, double Sign)> DefaultDofs(int referenceCount) =>
        PoseMath.DofNames.Select(d => ($"{d} (t+1)", SfmCamModel.PoseComponent(referenceCount / 2, d), 1.0)).ToList();

    /// <summary>Explains one snippet (B = 1); the per-DoF maps at <paramref name="dofLayer"/> (default: the study's
    /// <see cref="SfmCamModel.PoseLayer"/>).</summary>
    public static OdometryExplanation Explain(SfmLearner model, Snippet snippet,
        IReadOnlyList<(string Name, int Component, double Sign)>? dofs = null, LossWeights? weights = null,
            string? dofLayer = null)
    {
        var cam = SfmCamModel.For(model, snippet.Intrinsics, weights);
        var engine = new CamEngine(cam, CamMethod.GradCam);
        using var input = snippet.Stacked();
        var negativeLoss = new Dictionary<string, float[,]>();
        var sizes = new Dictionary<string, (int H, int W)>();
        double loss = 0; double[] pose = [];
        float[,] depth = new float[0, 0];
        int height = (int)snippet.Target.shape[2], width = (int)snippet.Target.shape[3];
        var bySize = PoseLayerChoice.Sizes(model, width, height)
            .LastOrDefault(l => l.Height >= PoseLayerChoice.MinSide && l.Width >= PoseLayerChoice.MinSide);
        foreach (var layer in SfmCamModel.Layers.Concat(bySize is null ? Array.Empty<string>() : new[] { bySize.Layer })
            .Distinct())
        {
            using var r = engine.Explain(input, [new NegativeLossTarget()], layer);
            negativeLoss[layer] = ToArray(r.Maps[0, 0]);
            sizes[layer] = ((int)r.RawMaps.shape[^2], (int)r.RawMaps.shape[^1]);
            loss = r.Outputs["loss"][0].item<float>();
            pose = r.Outputs["pose"][0].data<float>().Select(v => (double)v).ToArray();
            depth = ToArray(r.Outputs["depth"][0]);
        }
        var dofMaps = new Dictionary<string, float[,]>();
        foreach (var (name, component, sign) in dofs ?? DefaultDofs(snippet.References.Length))
        {
            using var r = engine.Explain(input, [new RegressionTarget("pose", component, sign)], dofLayer
                ?? SfmCamModel.PoseLayer);
            dofMaps[name] = ToArray(r.Maps[0, 0]);
            sizes[dofLayer ?? SfmCamModel.PoseLayer] = ((int)r.RawMaps.shape[^2], (int)r.RawMaps.shape[^1]);
        }
        float[,] error;
        using (no_grad())
        {
            model.Train(false);
            var d = 1 / model.Disparity(snippet.Target);
            var p = model.PoseNet.call(snippet.Target, snippet.References).Pose;
            error =
                ToArray(ViewSynthesisLoss.ErrorMap(snippet.Target, snippet.References, snippet.Intrinsics, d, p)[0]);
        }
        var frame = (snippet.Target[0].permute(1, 2, 0) * 0.5 + 0.5).clamp(0, 1);
        return new OdometryExplanation(ToArray3(frame), depth, error, negativeLoss,
            new PerDofMaps(dofMaps, dofLayer ?? SfmCamModel.PoseLayer), loss, pose, sizes);
    }

    /// <summary>A [H,W] tensor as a float array (copied to the CPU).</summary>
    public static float[,] ToArray(Tensor t2d)
    {
        using var c = t2d.detach().cpu().contiguous();
        int h = (int)c.shape[0], w = (int)c.shape[1];
        var flat = c.data<float>().ToArray();
        var a = new float[h, w];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(float));
        return a;
    }

    /// <summary>A [C,H,W] tensor as a float array (copied to the CPU).</summary>
    public static float[,,] ToArray3(Tensor t3d)
    {
        using var c = t3d.detach().cpu().contiguous();
        var flat = c.data<float>().ToArray();
        var a = new float[c.shape[0], c.shape[1], c.shape[2]];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(float));
        return a;
    }
}
