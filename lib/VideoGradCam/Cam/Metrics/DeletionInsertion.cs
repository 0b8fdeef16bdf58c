using static TorchSharp.torch;

namespace VideoGradCam.Cam.Metrics;

/// <summary>What replaces a removed pixel (deletion) or fills the not-yet-inserted ones (insertion).</summary>
public enum PerturbationBaseline
{
    /// <summary>The clip blurred frame by frame with an 11 x 11 box filter (RISE's insertion baseline).</summary>
    Blur,
    /// <summary>Each channel's mean over the clip.</summary>
    Mean,
    /// <summary>Zeros (RISE's deletion baseline; the dataset mean for normalised clips).</summary>
    Zero,
}

/// <summary>Per-clip curves (probability after each step, step 0 = nothing changed) and their areas (trapezoid over the
/// fraction of pixels changed, 0..1). Deletion: lower is better; insertion: higher is better.</summary>
public sealed record DeletionInsertionResult(double[] DeletionAuc, double[] InsertionAuc, double[][] DeletionCurves,
    double[][] InsertionCurves)
{
    public double MeanDeletionAuc => DeletionAuc.Average();
    public double MeanInsertionAuc => InsertionAuc.Average();
}

/// <summary>
/// Deletion and insertion (Petsiuk et al. 2018, RISE) for clips: pixels (t,h,w) are ranked by the map across the whole
/// clip; in N steps the top k/N are replaced by the baseline (deletion) or copied from the clip onto the baseline
/// (insertion), all channels together, and the target's probability is measured. Steps are run in batches; the
/// unchanged clip and the all-baseline clip, each an end of both curves, are measured once.
/// </summary>
public static class DeletionInsertion
{
    /// <param name="probability">(clips [N,C,T,H,W] all perturbations of clip b, b) -> the target's probability
    /// [N].</param>
    /// <param name="clips">[B,C,T,H,W]</param>
    /// <param name="maps">[B,T,H,W]</param>
    public static DeletionInsertionResult Evaluate(Func<Tensor, int, Tensor> probability, Tensor clips, Tensor maps,
        int steps = 16, PerturbationBaseline baseline = PerturbationBaseline.Blur, int batchSize = 8)
    {
        if (clips.dim() != 5 || maps.dim() != 4 || clips.shape[0] != maps.shape[0]
            || !clips.shape[2..].SequenceEqual(maps.shape[1..]))
            throw new ArgumentException(
                $"Clips [B,C,T,H,W] = [{string.Join(",", clips.shape)}] and maps [B,T,H,W] = " +
                $"[{string.Join(",", maps.shape)}] do not match.");
        if (steps < 1) throw new ArgumentException("steps must be at least 1.");
        int b = (int)clips.shape[0];
        var del = new double[b][];
        var ins = new double[b][];
        for (int i = 0; i < b; i++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var clip = clips[i];                                               // [C,T,H,W]
            var fill = Baseline(clip, baseline);
            var rank = RankOfEachPixel(maps[i]);                               // [T,H,W], 0 = most salient
            (del[i], ins[i]) = Curves(probability, i, clip, fill, rank, steps, batchSize);
        }
        return new DeletionInsertionResult(del.Select(Auc).ToArray(), ins.Select(Auc).ToArray(), del, ins);
    }

    /// <summary>Trapezoid area of a curve sampled at 0, 1/N, ..., 1.</summary>
    public static double Auc(double[] curve)
    {
        double area = 0;
        for (int k = 1; k < curve.Length; k++) area += (curve[k] + curve[k - 1]) / 2;
        return area / (curve.Length - 1);
    }

    /// <summary>Both curves from one stream of perturbed clips, in batches: the unchanged clip and the baseline once
    /// each (deletion starts where insertion ends, and the other way round), then the steps between.</summary>
    static (double[] Deletion, double[] Insertion) Curves(Func<Tensor, int, Tensor> probability, int clipIndex,
        Tensor clip, Tensor fill, Tensor rank, int steps, int batchSize)
    {
        long pixels = rank.numel();
        Tensor Perturbed(int k, bool deletion)
        {
            long changed = (long)Math.Round((double)k / steps * pixels);
            var chosen = (rank < changed).unsqueeze(0);                         // [1,T,H,W], broadcast over channels
            return deletion ? where(chosen, fill, clip) : where(chosen, clip, fill);
        }
        var inputs = new List<Func<Tensor>> { () => clip, () => fill };
        for (int k = 1; k < steps; k++) { int step = k; inputs.Add(() => Perturbed(step, deletion: true)); }
        for (int k = 1; k < steps; k++) { int step = k; inputs.Add(() => Perturbed(step, deletion: false)); }
        var p = new List<double>();
        for (int start = 0; start < inputs.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = stack(inputs.Skip(start).Take(batchSize).Select(make => make()).ToArray());
            p.AddRange(probability(batch, clipIndex).to(ScalarType.Float64).cpu().data<double>().ToArray());
        }
        double whole = p[0], none = p[1];
        var deletionSteps = p.Skip(2).Take(steps - 1);
        var insertionSteps = p.Skip(2 + steps - 1).Take(steps - 1);
        return ([whole, .. deletionSteps, none], [none, .. insertionSteps, whole]);
    }

    /// <summary>[T,H,W] map -> [T,H,W] rank (0 = highest value; ties broken by position, stably).</summary>
    static Tensor RankOfEachPixel(Tensor map)
    {
        var flat = map.flatten();
        var (_, order) = flat.sort(descending: true, stable: true);
        var rank = empty_like(order);
        rank.index_put_(arange(flat.numel()), order);
        return rank.reshape(map.shape);
    }

    static Tensor Baseline(Tensor clip, PerturbationBaseline baseline) => baseline switch
    {
        PerturbationBaseline.Zero => zeros_like(clip),
        PerturbationBaseline.Mean => clip.mean([1, 2, 3], keepdim: true).expand_as(clip),
        PerturbationBaseline.Blur =>
            nn.functional.avg_pool2d(clip.permute(1, 0, 2, 3), 11, stride: 1, padding: 5, count_include_pad: false)
            // [C,T,H,W] -> [T,C,H,W] (frames as batch) -> back
            .permute(1, 0, 2, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(baseline)),
    };
}
