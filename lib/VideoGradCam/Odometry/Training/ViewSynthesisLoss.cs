using VideoGradCam.Odometry.Geometry;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Training;

/// <summary>The three losses of SfMLearner as functions of tensors.</summary>
public static class ViewSynthesisLoss
{
    /// <summary>
    /// Multi-scale photometric loss per sample: target [B,3,H,W], references N x [B,3,H,W], intrinsics [B,3,3],
    /// depths (finest first) each [B,1,h,w], explainability masks (same scales, [B,N,h,w]) or empty, pose [B,N,6]
    /// -> [B]. At each scale the images are area-downsampled to the depth's size and the focal/centre rows of K divided
    /// by the downscale (the port's); |target - warped| counts only where the projection is valid, weighted by the
    /// mask; summed over scales and references, averaged over channels and over all pixels (the port) or, with
    /// <paramref name="overValidPixels"/>, over the valid pixels only (with <paramref name="commonValidPixels"/>, those
    /// valid in every reference).
    /// </summary>
    public static Tensor PhotometricPerSample(Tensor target, Tensor[] references, Tensor intrinsics,
        IReadOnlyList<Tensor> depths, IReadOnlyList<Tensor> masks, Tensor pose, bool overValidPixels = false,
        bool commonValidPixels = false)
    {
        Tensor total = zeros(target.shape[0], device: target.device);
        for (int s = 0; s < depths.Count; s++)
        {
            var depth = depths[s];
            long h = depth.shape[2], w = depth.shape[3];
            var tgt = Downsample(target, h, w);
            var k = ScaleIntrinsics(intrinsics, (double)target.shape[2] / h);
            var warps = references.Select((r, i) => InverseWarp.Warp(Downsample(r, h, w), depth[.., 0], pose[.., i], k))
                .ToArray();
            var common = commonValidPixels ? warps.Select(x => x.Valid).Aggregate((a, b) => a.logical_and(b)) : null;
            for (int i = 0; i < references.Length; i++)
            {
                var error = (tgt - warps[i].Warped).abs().mean([1], keepdim: true);          // [B,1,h,w]
                if (masks.Count > s) error = error * MaskAt(masks[s], i, h, w);
                var inside = (common ?? warps[i].Valid).unsqueeze(1).to(error.dtype);      // [B,1,h,w]
                error = error * inside;
                total = total + (overValidPixels
                    ? error.sum([1, 2, 3]) / inside.sum([1, 2, 3]).clamp(min: 1)
                    : error.mean([1, 2, 3]));
            }
        }
        return total;
    }

    /// <summary>Reference <paramref name="i"/>'s explainability mask [B,1,h,w] of one scale's masks
    /// [B,N,h',w'].</summary>
    static Tensor MaskAt(Tensor masks, int i, long h, long w)
    {
        var mask = masks[.., i..(i + 1)];
        return mask.shape[2] != h
            ? nn.functional.interpolate(mask, [h, w], mode: InterpolationMode.Bilinear, align_corners: false) : mask;
    }

    /// <summary>Intrinsics [B,3,3] of the frame area-averaged by <paramref name="downscale"/>: the focal lengths and
    /// the principal point divided by it (the port's).</summary>
    static Tensor ScaleIntrinsics(Tensor intrinsics, double downscale) =>
        cat([intrinsics[.., ..2] / downscale, intrinsics[.., 2..]], 1);

    static Tensor Downsample(Tensor image, long h, long w) =>
        image.shape[2] == h && image.shape[3] == w ? image
            : nn.functional.adaptive_avg_pool2d(image, [h, w]);

    /// <summary>Per-pixel photometric error at full size, averaged over channels and references: [B,H,W].
    /// Invalid projections count as zero error.</summary>
    public static Tensor ErrorMap(Tensor target, Tensor[] references, Tensor intrinsics, Tensor depth, Tensor pose)
    {
        Tensor sum = zeros(target.shape[0], target.shape[2], target.shape[3], device: target.device);
        for (int i = 0; i < references.Length; i++)
        {
            var (warped, valid) = InverseWarp.Warp(references[i], depth[.., 0], pose[.., i], intrinsics);
            sum = sum + (target - warped).abs().mean([1]) * valid.to(warped.dtype);
        }
        return sum / references.Length;
    }

    /// <summary>Second-order smoothness per sample of maps (finest first) each [B,1,h,w] -> [B]; each coarser scale
    /// weighs 1/2.3 less. The batch mean equals the port's smooth_loss.</summary>
    public static Tensor SmoothnessPerSample(IReadOnlyList<Tensor> maps)
    {
        Tensor loss = zeros(maps[0].shape[0], device: maps[0].device);
        double weight = 1;
        foreach (var m in maps)
        {
            var (dx, dy) = Gradient(m);
            var (dx2, dxdy) = Gradient(dx);
            var (dydx, dy2) = Gradient(dy);
            long[] dims = [1, 2, 3];
            loss = loss + (dx2.abs().mean(dims) + dxdy.abs().mean(dims) + dydx.abs().mean(dims) + dy2.abs().mean(dims))
                * weight;
            weight /= 2.3;
        }
        return loss;
    }

    static (Tensor Dx, Tensor Dy) Gradient(Tensor m) =>
        (m[.., .., .., 1..] - m[.., .., .., ..^1], m[.., .., 1..] - m[.., .., ..^1]);

    /// <summary>Explainability regulariser: binary cross-entropy of each mask [B,N,h,w] against 1 (stops the all-zero
    /// mask).</summary>
    public static Tensor Explainability(IReadOnlyList<Tensor> masks)
    {
        Tensor loss = zeros(1).squeeze();
        foreach (var m in masks)
            loss = loss + nn.functional.binary_cross_entropy(m, ones_like(m));
        return loss;
    }
}
