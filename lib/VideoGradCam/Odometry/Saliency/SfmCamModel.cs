using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// SfMLearner as the CAM engine sees it. Input: a stacked snippet [B,(1+N)·3,H,W] (target first, see
/// <see cref="Snippet.Stacked"/>). Outputs: "loss" [B] (per-sample view-synthesis loss at the finest scale:
/// w_p·photometric + w_s·smoothness, with the weights the checkpoint was trained with unless given), "pose" [B,N·6] (reference i's DoF d at i·6+d). Layers: "pose.conv7"
/// (PoseNet's last encoder conv, the study's choice), "pose.conv4" (three convs earlier, still spatial at small inputs)
/// and "depth.iconv1" (DepthNet's last decoder stage); besides them every PoseNet encoder conv, "pose.conv1" to "pose.conv7"
/// (<see cref="PoseEncoderLayers"/>; those the PoseNet does not return are captured by a forward hook for one pass).
/// <see cref="PoseLayerChoice"/> picks the deepest whose map still has a spatial layout.
/// </summary>
public sealed class SfmCamModel(SfmLearner model, Tensor intrinsics, LossWeights? weights = null) : ICamModel
{
    public const string PoseLayer = "pose.conv7", PoseMidLayer = "pose.conv4", DepthLayer = "depth.iconv1";

    /// <summary>The study's PoseNet layer, conv7, is 1x1 at inputs up to 128 pixels high and wide (seven stride-2
    /// convs: 40x128 -> 1x1, so its Grad-CAM map is flat); conv4 (40x128 -> 3x8) keeps a coarse spatial layout.</summary>
    public static readonly IReadOnlyList<string> Layers = [PoseLayer, PoseMidLayer, DepthLayer];

    /// <summary>The PoseNet's seven stride-2 encoder convs, shallow to deep ("pose.conv1" .. "pose.conv7"): each halves the map.</summary>
    public static readonly IReadOnlyList<string> PoseEncoderLayers = Enumerable.Range(1, 7).Select(i => $"pose.conv{i}").ToList();

    /// <summary>True for a layer <see cref="Forward"/> can explain: one of <see cref="Layers"/> or <see cref="PoseEncoderLayers"/>.</summary>
    public static bool IsLayer(string layer) => Layers.Contains(layer) || PoseEncoderLayers.Contains(layer);

    /// <summary>Every layer name <see cref="Forward"/> takes, for messages.</summary>
    public static string LayerNames => string.Join(", ", Layers.Concat(PoseEncoderLayers).Distinct());

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
        if (!IsLayer(layer)) throw new ArgumentException($"Unknown layer '{layer}': use {LayerNames}.");
        model.Train(false);
        var (target, references) = Snippet.Unstack(input);
        long b = input.shape[0];
        var disparity = model.DepthNet.call(target)[0];                    // [B,1,H,W]
        var depth = 1 / disparity;
        // the geometry consistency (when the model was trained with it) needs every reference's depth too
        var referenceDepths = _w.DepthConsistency > 0 ? references.Select(r => 1 / model.DepthNet.call(r)[0]).ToArray() : [];
        Tensor? captured = null;                                           // an encoder conv the PoseNet does not return
        PoseOutput pose;                                                   // [B,N,6], conv7, conv4
        if (PoseEncoderLayers.Contains(layer) && layer is not (PoseLayer or PoseMidLayer))
        {
            pose = WithEncoderOutputs(model.PoseNet, [layer], () => model.PoseNet.call(target, references), out var hooked);
            captured = hooked[0];
        }
        else pose = model.PoseNet.call(target, references);
        var k = intrinsics.shape[0] == b ? intrinsics : intrinsics.expand(b, 3, 3);
        var photometric = ViewSynthesisLoss.PhotometricPerSample(target, references, k, [depth], [], pose.Pose, _w.OverValidPixels, _w.CommonValidPixels, _w.Ssim,
            minimumReprojection: _w.MinimumReprojection, outOfViewAsUnwarped: _w.OutOfViewAsUnwarped);
        var loss = photometric * _w.Photometric + ViewSynthesisLoss.SmoothnessPerSample([_w.SmoothDisparity ? disparity : depth]) * _w.Smoothness;
        if (_w.DepthConsistency > 0)
            loss = loss + ViewSynthesisLoss.DepthConsistencyPerSample(depth, referenceDepths, k, pose.Pose) * _w.DepthConsistency;
        var outputs = new Dictionary<string, Tensor>
        {
            ["loss"] = loss, ["pose"] = pose.Pose.reshape(b, -1), ["depth"] = depth[.., 0], ["photometric"] = photometric,
        };
        var activation = layer switch { PoseLayer => pose.Conv7, PoseMidLayer => pose.Conv4, DepthLayer => model.DepthNet.LastIconv1!, _ => captured! };
        return new CamForward(outputs, activation, ActivationLayout.Image, 1, (1, (int)input.shape[2], (int)input.shape[3]));
    }

    /// <summary>Runs <paramref name="run"/> (a PoseNet forward pass) with forward hooks on the named encoder convs
    /// ("pose.convN"); <paramref name="outputs"/> holds their activations in that order (in the graph). The hooks are removed
    /// afterwards, even on error.</summary>
    public static T WithEncoderOutputs<T>(PoseExpNet poseNet, IReadOnlyList<string> layers, Func<T> run, out Tensor[] outputs)
    {
        var modules = poseNet.named_modules().ToDictionary(m => m.name, m => m.module);
        var captured = new Tensor?[layers.Count];
        var removers = new List<Action>();
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                var name = layers[i].StartsWith("pose.", StringComparison.Ordinal) ? layers[i]["pose.".Length..] : layers[i];
                if (!PoseEncoderLayers.Contains("pose." + name) || !modules.TryGetValue(name, out var m) || m is not nn.Module<Tensor, Tensor> conv)
                    throw new ArgumentException($"'{layers[i]}' is not a PoseNet encoder conv: use {string.Join(", ", PoseEncoderLayers)}.");
                int slot = i;
                var hook = conv.register_forward_hook((_, _, output) => { captured[slot] = output; return null!; });
                removers.Add(() => hook.remove());
            }
            var result = run();
            outputs = captured.Select((t, i) => t ?? throw new InvalidOperationException($"{layers[i]} did not run in the PoseNet's forward pass.")).ToArray();
            return result;
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
    }
}
