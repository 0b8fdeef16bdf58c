using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>Loss with nothing masked, with the most salient pixels masked, with the same number of random pixels
/// masked (mean over trials), and Ratio = (salient − base) / (random − base): above 1 when the map finds what the loss
/// depends on. Scattered random pixels add many edges that blobs do not, so a second control masks the salient
/// mask's own shape at a random circular shift (ShiftedLoss, RatioShifted).</summary>
public sealed record FaithfulnessResult(double BaseLoss, double SalientLoss, double RandomLoss, double Ratio, int MaskedPixels,
    double ShiftedLoss, double RatioShifted);

/// <summary>
/// A faithfulness check for regression saliency: mask (set to mid-grey, 0 in the [-1,1] input) the k most salient
/// pixels of the target frame (the map lives in target-frame coordinates; the same pixel of a reference frame shows
/// another scene point), or with targetOnly = false the same pixels in every frame, and compare the loss increase
/// with masking k random pixels. Note: masking every frame puts a static grey patch in all views, which the warp
/// often matches trivially, so it can lower the loss.
/// </summary>
public static class RegressionFaithfulness
{
    public static FaithfulnessResult Check(SfmLearner model, Snippet snippet, float[,] saliency, double fraction = 0.1,
        int randomTrials = 5, int seed = 7, LossWeights? weights = null, bool targetOnly = true)
    {
        int h = saliency.GetLength(0), w = saliency.GetLength(1), n = h * w;
        int k = Math.Max(1, (int)Math.Round(fraction * n));
        var order = Enumerable.Range(0, n).OrderByDescending(i => saliency[i / w, i % w]).ToArray();
        var rng = new Random(seed);
        using var _ = no_grad();
        var cam = new SfmCamModel(model, snippet.Intrinsics, weights);
        using var input = snippet.Stacked();
        double Loss(int[]? masked)
        {
            using var scope = NewDisposeScope();
            var x = input.clone();
            if (masked is not null)
            {
                var keep = ones(n);
                keep.index_fill_(0, tensor(masked.Select(i => (long)i).ToArray()), 0);
                var m = keep.view(1, 1, h, w).to(x.device);
                x = targetOnly ? cat([x[.., ..3] * m, x[.., 3..]], 1) : x * m;
            }
            return cam.Forward(x, SfmCamModel.PoseLayer).Outputs["loss"].mean().item<float>();
        }
        double baseLoss = Loss(null);
        double salient = Loss(order[..k]);
        double random = Enumerable.Range(0, randomTrials)
            .Average(_ => Loss(Enumerable.Range(0, n).OrderBy(__ => rng.Next()).Take(k).ToArray()));
        double shifted = Enumerable.Range(0, randomTrials).Average(_ =>
        {
            int dy = rng.Next(h), dx = rng.Next(1, w);
            return Loss(order[..k].Select(i => (i / w + dy) % h * w + (i % w + dx) % w).ToArray());
        });
        static double Ratio(double change, double control) => Math.Abs(control) < 1e-12 ? double.NaN : change / control;
        return new FaithfulnessResult(baseLoss, salient, random, Ratio(salient - baseLoss, random - baseLoss), k,
            shifted, Ratio(salient - baseLoss, shifted - baseLoss));
    }
}
