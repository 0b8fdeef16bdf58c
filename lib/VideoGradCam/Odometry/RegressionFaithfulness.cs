using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>Loss with nothing masked, with the most salient pixels masked, with random pixels masked (mean over
/// trials), and Ratio = (salient − base) / (random − base): above 1 when the map finds what the loss depends on.</summary>
public sealed record FaithfulnessResult(double BaseLoss, double SalientLoss, double RandomLoss, double Ratio, int MaskedPixels);

/// <summary>
/// A faithfulness check for regression saliency: mask (set to mid-grey, 0 in the [-1,1] input) the k most salient
/// pixels in every frame of the snippet, and compare the loss increase with masking k random pixels.
/// </summary>
public static class RegressionFaithfulness
{
    public static FaithfulnessResult Check(SfmLearner model, Snippet snippet, float[,] saliency, double fraction = 0.1,
        int randomTrials = 5, int seed = 7, LossWeights? weights = null)
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
                x = x * keep.view(1, 1, h, w).to(x.device);
            }
            return cam.Forward(x, SfmCamModel.PoseLayer).Outputs["loss"].mean().item<float>();
        }
        double baseLoss = Loss(null);
        double salient = Loss(order[..k]);
        double random = Enumerable.Range(0, randomTrials)
            .Average(_ => Loss(Enumerable.Range(0, n).OrderBy(__ => rng.Next()).Take(k).ToArray()));
        double ratio = Math.Abs(random - baseLoss) < 1e-12 ? double.NaN : (salient - baseLoss) / (random - baseLoss);
        return new FaithfulnessResult(baseLoss, salient, random, ratio, k);
    }
}
