using VideoGradCam.Cam;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>The negative-loss Grad-CAM of every chosen snippet of one sequence, on its target frame.</summary>
/// <param name="Frames">the target frame of each snippet (its index in the sequence).</param>
/// <param name="Images">the target frames, RGB in [0,1], [N,H,W,3] (CPU).</param>
/// <param name="Maps">the maps, [N,H,W] in [0,1] (CPU); a flat map (constant) is all zeros.</param>
/// <param name="Losses">each snippet's view-synthesis loss.</param>
/// <param name="LayerSize">the explained layer's activation size (h, w).</param>
public sealed record SequenceSaliency(string Sequence, string Layer, int[] Frames, Tensor Images, Tensor Maps,
    double[] Losses, (int H, int W) LayerSize) : IDisposable
{
    /// <summary>The target frames whose map is constant (nothing to see).</summary>
    public int[] FlatFrames
    {
        get
        {
            using var scope = NewDisposeScope();
            var range = Maps.flatten(1).max(1).values - Maps.flatten(1).min(1).values;   // [N]
            var flat = (range <= 1e-6f).data<bool>().ToArray();
            return Frames.Where((_, i) => flat[i]).ToArray();
        }
    }

    public void Dispose() { Images.Dispose(); Maps.Dispose(); }
}

/// <summary>Regression Grad-CAM along a whole (held-out) sequence: the study's negative-loss target on every
/// <c>every</c>-th snippet, a few snippets per backward pass.</summary>
public static class SequenceSaliencyExplainer
{
    /// <summary>Snippets explained per batch: bounded memory whatever the sequence's length.</summary>
    const int Batch = 8;

    /// <param name="every">explain every k-th target frame (1 = all).</param>
    public static SequenceSaliency Explain(SfmLearner model, SequenceFrames sequence,
        string layer = SfmCamModel.PoseMidLayer, int every = 1)
    {
        if (every < 1) throw new ArgumentException($"every must be at least 1 (got {every}).");
        var targets = sequence.Targets(model.Settings.SequenceLength).Where((_, i) => i % every == 0).ToArray();
        var images = new List<Tensor>();
        var maps = new List<Tensor>();
        var losses = new List<double>();
        (int H, int W) size = (0, 0);
        Run(model, sequence, targets, layer, null, (snippet, r) =>
        {
            size = ((int)r.RawMaps.shape[^2], (int)r.RawMaps.shape[^1]);
            // [b,1,H,W] -> [b,H,W]
            maps.Add(r.Maps[.., 0].cpu().MoveToOuterDisposeScope());
            // [-1,1] -> [0,1], [b,H,W,3]
            images.Add((snippet.Target.permute(0, 2, 3, 1) * 0.5 + 0.5).clamp(0, 1).cpu().MoveToOuterDisposeScope());
            losses.AddRange(r.Outputs["loss"].cpu().to(float64).data<double>());
        });
        var allImages = cat(images, 0);
        var allMaps = cat(maps, 0);
        foreach (var t in images.Concat(maps)) t.Dispose();
        return new SequenceSaliency(sequence.Name, layer, targets, allImages, allMaps, losses.ToArray(), size);
    }

    /// <summary>The Grad-CAM maps of the snippets around <paramref name="targets"/> (target frames of
    /// <paramref name="sequence"/>) at <paramref name="layer"/>, a few snippets per backward pass: [N,H,W] in [0,1] on
    /// the CPU (a flat map is all zeros), and the layer's activation size. <paramref name="target"/> gives each target
    /// frame's CAM target (default: the study's negative loss); e.g. a per-DoF <see cref="RegressionTarget"/> whose
    /// sign follows that frame's true motion.</summary>
    public static (Tensor Maps, (int H, int W) LayerSize) Maps(SfmLearner model, SequenceFrames sequence,
        IReadOnlyList<int> targets, string layer,
        Func<int, ICamTarget>? target = null)
    {
        if (targets.Count == 0) throw new ArgumentException($"No target frame of sequence {sequence.Name} to explain.");
        var maps = new List<Tensor>();
        (int H, int W) size = (0, 0);
        Run(model, sequence, targets, layer, target, (_, r) =>
        {
            size = ((int)r.RawMaps.shape[^2], (int)r.RawMaps.shape[^1]);
            // [b,1,H,W] -> [b,H,W]
            maps.Add(r.Maps[.., 0].cpu().MoveToOuterDisposeScope());
        });
        var all = cat(maps, 0);
        foreach (var t in maps) t.Dispose();
        return (all, size);
    }

    /// <summary>Explains the snippets around <paramref name="targets"/> in batches of <see cref="Batch"/>, each in its
    /// own dispose scope: <paramref name="take"/> moves what it keeps out of it.</summary>
    static void Run(SfmLearner model, SequenceFrames sequence, IReadOnlyList<int> targets, string layer,
        Func<int, ICamTarget>? target,
        Action<Snippet, CamResult> take)
    {
        if (!SfmCamModel.IsLayer(layer)) throw new ArgumentException(
            $"Unknown layer '{layer}': use {SfmCamModel.LayerNames}.");
        int length = model.Settings.SequenceLength;
        foreach (var chunk in targets.Chunk(Batch))
        {
            using var scope = NewDisposeScope();
            var snippet = sequence.Snippet(chunk, length);
            var engine = new CamEngine(SfmCamModel.For(model, snippet.Intrinsics), CamMethod.GradCam);
            using var r = engine.Explain(snippet.Stacked(),
                chunk.Select(t => target?.Invoke(t) ?? new NegativeLossTarget()).ToList(), layer);
            take(snippet, r);
        }
    }
}
