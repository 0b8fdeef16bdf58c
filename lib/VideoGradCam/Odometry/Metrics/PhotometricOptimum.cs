using TorchSharp;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>One refinement of <see cref="PhotometricOptimum"/>: the depth the loss used, where the poses started, and
/// the photometric loss and ATE (mean over the snippets) before and after.</summary>
public sealed record PhotometricOptimumRow(string Depth, string Start, double LossBefore, double LossAfter,
    double AteBefore,
    double AteAfter, int Snippets);

/// <summary>
/// What the view-synthesis loss itself allows, apart from how well a PoseNet learns it: each snippet's poses are
/// optimised directly (Adam on the six numbers of every reference, no network) to lower the model's photometric loss,
/// on the model's own depth and, where the drive has it, on the true depth, starting from the PoseNet's poses and from
/// the true poses. If the PoseNet's poses move far from the truth on the model's own depth, that depth's loss has its
/// minimum away from the true motion and no better PoseNet can fix it; if refining on the true depth lowers the ATE,
/// the PoseNet underfits a loss whose minimum lies near the truth. The refinement lowers the photometric term only (a
/// model trained with <see cref="LossWeights.DepthConsistency"/> also had the consistency pull on its poses; it is left
/// out here, since the true depth has no reference depths of the DepthNet's to agree with).
/// </summary>
public static class PhotometricOptimum
{
    public const string OwnDepth = "its own depth", TrueDepth = "the true depth", FromPoseNet = "its PoseNet",
        FromTruth = "the truth";

    /// <summary>Every <paramref name="every"/>-th snippet of each sequence with ground-truth poses, in batches of
    /// <paramref name="batchSize"/>, refined for <paramref name="steps"/> Adam steps.</summary>
    public static IReadOnlyList<PhotometricOptimumRow> Measure(SfmLearner model,
        IReadOnlyList<SequenceFrames> sequences,
        int every = 8, int steps = 200, int batchSize = 16, Action<int>? onBatch = null)
    {
        if (every < 1 || steps < 1) throw new ArgumentException(
            $"every ({every}) and steps ({steps}) must be at least 1.");
        int length = model.Settings.SequenceLength;
        var device = ComputeDevice.Default;
        model.To(device);
        model.Train(false);
        // loss before/after, ATE before/after, count
        var sums = new Dictionary<(string Depth, string Start), double[]>();
        foreach (var (seq, si) in sequences.Select((s, i) => (s, i)))
        {
            if (seq.Poses is null) continue;
            var targets = seq.Targets(length).Where((_, i) => i % every == 0).ToList();
            for (int b0 = 0; b0 < targets.Count; b0 += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = targets.Skip(b0).Take(batchSize).ToList();
                var snip = seq.Snippet(batch, length, device);
                var items = batch.Select(t => (si, t)).ToList();
                var truth = SfmTrainer.TruePoses(sequences, items, length, device);
                Tensor predicted, ownDisparity;
                using (no_grad())
                {
                    predicted = model.PoseNet.call(snip.Target, snip.References).Pose;
                    ownDisparity = model.Disparity(snip.Target);
                }
                var depths = new List<(string Name, Tensor Disparity)> { (OwnDepth, ownDisparity) };
                if (seq.Depth is not null)
                    depths.Add((TrueDepth, 1 / SfmTrainer.TrueDepth(sequences, items, device)));
                foreach (var (depthName, disparity) in depths)
                {
                    var depthPyramid = SfmTrainer.Pyramid(disparity, 4).Select(d => 1 / d).ToArray();
                    foreach (var (startName, start) in new[] { (FromPoseNet, predicted), (FromTruth, truth) })
                    {
                        var (refined, before, after) = Refine(snip, depthPyramid, start, model, steps);
                        var acc = sums.TryGetValue((depthName, startName), out var a) ? a
                            : sums[(depthName, startName)] = new double[5];
                        acc[0] += before * batch.Count; acc[1] += after * batch.Count;
                        acc[2] += Ate(seq, batch, length, start).Sum();
                            acc[3] += Ate(seq, batch, length, refined).Sum();
                        acc[4] += batch.Count;
                    }
                }
                onBatch?.Invoke(batch.Count);
            }
        }
        return sums.Select(kv =>
            new PhotometricOptimumRow(kv.Key.Depth, kv.Key.Start, kv.Value[0] / kv.Value[4], kv.Value[1] / kv.Value[4],
            kv.Value[2] / kv.Value[4], kv.Value[3] / kv.Value[4], (int)kv.Value[4])).ToList();
    }

    /// <summary>Optimises <paramref name="start"/> [B,N,6] for <paramref name="steps"/> Adam steps (rate 0.05 in the
    /// PoseNet's raw output units, so every motion moves at the pace the network's output scales give it) on the
    /// model's photometric loss with the given depths (finest first). Returns the poses of the lowest batch-mean loss
    /// seen (Adam's fixed-size early steps can raise the loss on a flat stretch), that loss, and the one
    /// before.</summary>
    public static (Tensor Pose, double LossBefore, double LossAfter) Refine(Snippet snip, Tensor[] depths, Tensor start,
        SfmLearner model, int steps)
    {
        var w = model.Settings.Loss ?? LossWeights.Port;
        var scale = tensor(model.PoseNet.DofScales.Select(x => (float)x).ToArray(), [1, 1, 6]).to(start.device);
        Tensor Loss(Tensor pose) =>
            ViewSynthesisLoss.PhotometricPerSample(snip.Target, snip.References, snip.Intrinsics, depths, [], pose,
            w.OverValidPixels, w.CommonValidPixels, w.Ssim, w.UpsampledScales, w.CentredScales, w.MinimumReprojection,
                w.OutOfViewAsUnwarped).mean();
        var raw = new TorchSharp.Modules.Parameter((start / scale).detach().clone());
        using var adam = optim.Adam([raw], lr: 0.05);
        double before;
        using (no_grad()) before = Loss(start).item<float>();
        var (best, bestLoss) = (start.detach().clone().DetachFromDisposeScope(), before);
        Tensor kept;
        try
        {
            for (int k = 0; k <= steps; k++)
            {
                using var scope = NewDisposeScope();
                var pose = raw * scale;
                var loss = Loss(pose);
                if (loss.item<float>() < bestLoss)
                {
                    best.Dispose();
                    (best, bestLoss) = (pose.detach().clone().DetachFromDisposeScope(), loss.item<float>());
                }
                if (k == steps) break;
                adam.zero_grad();
                loss.backward();
                adam.step();
            }
            kept = best.clone();                                              // owned by the caller's dispose scope
        }
        finally { best.Dispose(); }
        return (kept, before, bestLoss);
    }

    /// <summary>Each snippet's ATE for poses [B,N,6] in the network's convention.</summary>
    static IEnumerable<double> Ate(SequenceFrames seq, IReadOnlyList<int> batch, int length, Tensor poses)
    {
        var v = poses.cpu().data<float>().ToArray();
        int n = length - 1;
        for (int i = 0; i < batch.Count; i++)
        {
            var rows = Enumerable.Range(0, n)
                .Select(j => Enumerable.Range(0, 6).Select(c => (double)v[(i * n + j) * 6 + c]).ToArray()).ToArray();
            int first = batch[i] - length / 2;
            var truth = PoseMath.RelativeToFirst(Enumerable.Range(first, length).Select(j => seq.Poses![j]).ToList());
            yield return OdometryMetrics.SnippetAte(truth, PoseMath.SnippetPosesFromNetwork(rows));
        }
    }
}
