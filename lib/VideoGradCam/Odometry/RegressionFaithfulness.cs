using VideoGradCam.Cam;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>The <see cref="Losses"/> with <see cref="MaskedPixels"/> pixels masked each way, and
/// Ratio = (salient − base) / (random − base): above 1 when the map finds what the loss depends on. Scattered random
/// pixels add many edges that blobs do not, so two controls mask blobs: the salient mask's own shape at a random
/// circular shift (RatioShifted), and the top pixels of a random map drawn at the explained layer's resolution and
/// upsampled as Grad-CAM upsamples (RatioRandomMap; null when the layer's size was not given). The reversed control
/// masks the k least salient pixels and compares them with random pixels: RatioLeast = (least − base) / (random −
/// base), below 1 when the map's bottom pixels matter less than random ones, as a faithful ranking's should (above 1:
/// the map ranks what the loss depends on low).</summary>
public sealed record FaithfulnessResult(MaskedLosses Losses, int MaskedPixels, double Ratio, double RatioShifted,
    double? RatioRandomMap = null, double RatioLeast = double.NaN)
{
    /// <summary><see cref="MaskedLosses.Base"/> (notebook 06 reads the losses here).</summary>
    public double BaseLoss => Losses.Base;

    /// <summary><see cref="MaskedLosses.Salient"/>.</summary>
    public double SalientLoss => Losses.Salient;

    /// <summary><see cref="MaskedLosses.Random"/>.</summary>
    public double RandomLoss => Losses.Random;

    /// <summary><see cref="MaskedLosses.Shifted"/>.</summary>
    public double ShiftedLoss => Losses.Shifted;

    /// <summary>The top of the map against its bottom: (salient − base) / (least − base). Both masks are blobs of the
    /// same map, so unlike random pixels this control does not favour either by shape; above 1 when the ranking points
    /// at what the loss depends on.</summary>
    public double RatioTopBottom => RatioOf(Losses.Salient - Losses.Base, Losses.Least - Losses.Base);

    /// <summary>A loss rise over a control's rise; NaN when the control did not change the loss (or was not
    /// measured).</summary>
    public static double RatioOf(double change, double control) => Math.Abs(control) < 1e-12 || double.IsNaN(control)
        ? double.NaN : change / control;
}

/// <summary>The loss of one snippet with nothing masked (<paramref name="Base"/>), with the most salient pixels masked,
/// with as many random pixels masked (mean over trials), with the salient mask's shape at a random circular shift (mean
/// over trials), with the top pixels of a random layer-resolution map (mean over trials; null when the layer's size was
/// not given) and with the least salient pixels masked (NaN when not measured).</summary>
public sealed record MaskedLosses(double Base, double Salient, double Random, double Shifted, double? RandomMap = null,
    double Least = double.NaN);

/// <summary>
/// A faithfulness check for regression saliency: mask (set to mid-grey, 0 in the [-1,1] input) the k most salient
/// pixels of the target frame (the map lives in target-frame coordinates; the same pixel of a reference frame shows
/// another scene point), or with targetOnly = false the same pixels in every frame, and compare the loss increase
/// with masking k random pixels, the salient shape shifted, and the top k of a random layer-resolution map; and masking
/// the k least salient pixels against random ones (the reversed control). Note: masking
/// every frame puts a static grey patch in all views, which the warp often matches trivially, so it can lower the loss.
/// The masked copies run through the model a few per forward pass.
/// </summary>
public static class RegressionFaithfulness
{
    /// <summary>Masked copies per forward pass.</summary>
    const int Batch = 8;

    /// <param name="layerSize">the explained layer's activation size (h, w): enables the random-map control.</param>
    public static FaithfulnessResult Check(SfmLearner model, Snippet snippet, float[,] saliency, double fraction = 0.1,
        int randomTrials = 5, int seed = 7, LossWeights? weights = null, bool targetOnly = true,
            (int H, int W)? layerSize = null)
    {
        if (snippet.Target.shape[0] != 1) throw new ArgumentException(
            $"The faithfulness check takes one snippet (B = 1), got B = {snippet.Target.shape[0]}.");
        if (randomTrials < 1) throw new ArgumentException($"Need at least one random trial (got {randomTrials}).");
        int h = saliency.GetLength(0), w = saliency.GetLength(1), n = h * w;
        if (snippet.Target.shape[2] != h || snippet.Target.shape[3] != w)
            throw new ArgumentException(
                $"The map is {w}x{h} but the snippet's frames are " +
                $"{snippet.Target.shape[3]}x{snippet.Target.shape[2]}.");
        int k = Math.Max(1, (int)Math.Round(fraction * n));
        var order = TopK(saliency, n);
        var rng = new Random(seed);
        var masks = new List<int[]?> { null, order[..k], order[^k..] };
        for (int i = 0; i < randomTrials; i++) masks.Add(
            Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(k).ToArray());
        for (int i = 0; i < randomTrials; i++)
        {
            int dy = rng.Next(h), dx = rng.Next(1, w);
            masks.Add(order[..k].Select(p => (p / w + dy) % h * w + (p % w + dx) % w).ToArray());
        }
        if (layerSize is { } cells)
        {
            using var generator = new Generator((ulong)seed);
            for (int i = 0; i < randomTrials; i++)
            {
                using var scope = NewDisposeScope();
                masks.Add(TopK(OdometrySaliency.ToArray(RandomLayerMap(cells, (h, w), generator).Map), n)[..k]);
            }
        }
        var losses = Losses(model, snippet, masks, h, w, weights, targetOnly);
        double baseLoss = losses[0], salient = losses[1], least = losses[2];
        double random = losses.Skip(3).Take(randomTrials).Average();
        double shifted = losses.Skip(3 + randomTrials).Take(randomTrials).Average();
        double? randomMap = layerSize is null ? null : losses.Skip(3 + 2 * randomTrials).Average();
        return new FaithfulnessResult(new MaskedLosses(baseLoss, salient, random, shifted, randomMap, least), k,
            FaithfulnessResult.RatioOf(salient - baseLoss, random - baseLoss),
            FaithfulnessResult.RatioOf(salient - baseLoss, shifted - baseLoss),
            randomMap is { } m ? FaithfulnessResult.RatioOf(salient - baseLoss, m - baseLoss) : null,
            FaithfulnessResult.RatioOf(least - baseLoss, random - baseLoss));
    }

    /// <summary>
    /// The random-map control's map: uniform [0,1) values drawn at the explained layer's resolution
    /// <paramref name="layer"/> (h × w cells, as Grad-CAM's raw map), upsampled to <paramref name="frame"/> as the
    /// engine upsamples a map (bilinear, align_corners = false, <see cref="CamMaps.Upsample"/>). Its top pixels are
    /// blobs of a Grad-CAM map's size and shape that carry no information. Cells [h,w], Map [H,W].
    /// </summary>
    public static (Tensor Cells, Tensor Map) RandomLayerMap((int H, int W) layer, (int H, int W) frame,
        Generator generator)
    {
        if (layer.H < 1 || layer.W < 1) throw new ArgumentException(
            $"A layer of {layer.W}x{layer.H} cells has no map.");
        // [B=1,t=1,h,w], as a raw map
        var cells = rand([1, 1, layer.H, layer.W], generator: generator);
        var map = CamMaps.Upsample(cells, ActivationLayout.Image, (1, frame.H, frame.W));         // [1,1,H,W]
        return (cells[0, 0], map[0, 0]);
    }

    /// <summary>Pixel indices (row-major) from the highest map value down; ties by pixel order.</summary>
    static int[] TopK(float[,] map, int n)
    {
        int w = map.GetLength(1);
        return Enumerable.Range(0, n).OrderByDescending(i => map[i / w, i % w]).ThenBy(i => i).ToArray();
    }

    /// <summary>The loss of the snippet with each mask's pixels set to grey (null: nothing masked), a few masks per
    /// pass.</summary>
    static double[] Losses(SfmLearner model, Snippet snippet, IReadOnlyList<int[]?> masks, int h, int w,
        LossWeights? weights, bool targetOnly)
    {
        using var _ = no_grad();
        var cam = SfmCamModel.For(model, snippet.Intrinsics, weights);
        using var input = snippet.Stacked();                                                       // [1,C,H,W]
        var losses = new List<double>();
        foreach (var chunk in masks.Chunk(Batch))
        {
            using var scope = NewDisposeScope();
            var keep = new float[chunk.Length * h * w];
            Array.Fill(keep, 1f);
            for (int m = 0; m < chunk.Length; m++)
                foreach (var p in chunk[m] ?? []) keep[m * h * w + p] = 0;
            var mask = tensor(keep, [chunk.Length, 1, h, w]).to(input.device);
            var x = input.expand(chunk.Length, -1, -1, -1);                                      // [m,C,H,W]
            x = targetOnly ? cat([x[.., ..3] * mask, x[.., 3..]], 1) : x * mask;
            var loss = cam.Forward(x, SfmCamModel.PoseLayer).Outputs["loss"];                     // [m]
            losses.AddRange(loss.to(ScalarType.Float64).cpu().data<double>());
        }
        return losses.ToArray();
    }
}
