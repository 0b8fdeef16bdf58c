using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// Loss weights (the port's defaults: photometric 1, explainability 0, smoothness 0.1) and how the photometric term
/// averages. <paramref name="OverValidPixels"/> (the default) divides by the pixels whose projection lands inside the
/// reference image, as SC-SfMLearner and Monodepth2 do; false is the port's mean over all pixels, where a projection
/// out of view counts as zero error, which rewards a pose that pushes the pixels hardest to match out of view.
/// <paramref name="CommonValidPixels"/> (with <paramref name="OverValidPixels"/>): every reference is compared on the
/// same pixels, those that project inside all the references. With per-reference valid pixels a forward reference loses
/// the image border (its pixels leave the view) while a backward one keeps it, so where the learnt depth is off by a
/// different factor at the border than in the centre, the two directions are fitted to different pixels and their
/// translations to different scales: the snippet's spacing is skewed.
/// <paramref name="Ssim"/>: the share α of the structural term in the per-pixel photometric error,
/// α·(1 − SSIM)/2 + (1 − α)·|target − warped| (Monodepth2's 0.85 over 3x3 windows); 0 is the port's plain L1.
/// <paramref name="UpsampledScales"/>: each coarser depth is upsampled to the frame's size and the images compared
/// there (Monodepth2's full-resolution multi-scale), instead of the port's images downsampled to each depth's size.
/// <paramref name="CentredScales"/>: at a coarser scale the principal point moves to where the frame's centre lands on
/// the area-averaged pixel grid, (c + ½)/d − ½ for a downscale d (pixel centres at integer coordinates, as the
/// calibration and the warp use them); the port (the default) divides it by d, which puts it ½ − ½/d coarse pixels low
/// and right, 3.5 frame pixels at the coarsest of four scales. The centred geometry reconstructs the frame better at
/// the true motion, yet trained worse on the full drive in all four runs measured (environment.md, "The principal point
/// of the coarse scales"). <paramref name="SmoothDisparity"/>: the second-order smoothness applies to the disparity
/// (the original TensorFlow SfMLearner and Monodepth2) instead of the depth (the PyTorch port, the default). A flat
/// ground's disparity is linear in the image row, so its second differences vanish, while its depth (∝ 1/(row −
/// horizon)) curves most near the horizon. <paramref name="MinimumReprojection"/>: per pixel only the reference that
/// reconstructs it best counts (Monodepth2's minimum reprojection, against occlusions and pixels leaving the view),
/// times the number of references so that the term keeps its weight against the smoothness; the port sums every
/// reference's error. A first version averaged over the pixels valid in every reference and collapsed on the full drive
/// (the loss 0 after 400 steps: a pose that moves one reference out of view leaves no common pixel), so out-of-view
/// projections now count with the unwarped reference's error. <paramref name="DepthConsistency"/>: the weight of
/// SC-SfMLearner's geometry consistency (Bian et al. 2019; 0: off, as the port; SC-SfMLearner: 0.5), which asks the
/// DepthNet's depth of each reference to agree with the target's depth moved into the reference by the predicted pose
/// (<see cref="ViewSynthesisLoss.DepthConsistencyPerSample"/>); the DepthNet then runs on every frame of the snippet,
/// not on the target alone. <paramref name="OutOfViewAsUnwarped"/> (with <paramref name="OverValidPixels"/>): a pixel
/// outside the averaged set (its reference's valid pixels, or with <paramref name="CommonValidPixels"/> those valid in
/// every reference) counts with the unwarped reference's error there and the mean runs over every pixel, instead of
/// being dropped from a mean over the set. The valid-pixel means have an opening: a pose that moves a reference (or,
/// with the common set, any reference) out of view leaves no pixel to average and a loss of 0. The study's recipe never
/// took it in 54 runs; a curriculum that switched the two-frame references on after two epochs did, within 150 steps
/// (environment.md). Counting such pixels as if nothing moved makes leaving the view cost what standing still costs.
/// </summary>
public sealed record LossWeights(double Photometric = 1, double Explainability = 0, double Smoothness = 0.1,
    bool OverValidPixels = true,
    bool CommonValidPixels = false, double Ssim = 0, bool UpsampledScales = false, bool CentredScales = false,
    bool SmoothDisparity = false, bool MinimumReprojection = false, double DepthConsistency = 0,
        bool OutOfViewAsUnwarped = false)
{
    /// <summary>The port's loss exactly: weights 1 / 0 / 0.1, photometric mean over all pixels.</summary>
    public static readonly LossWeights Port = new(OverValidPixels: false);
}

/// <summary>The three losses of SfMLearner as functions of tensors.</summary>
public static class ViewSynthesisLoss
{
    /// <summary>
    /// Multi-scale photometric loss per sample: target [B,3,H,W], references N x [B,3,H,W], intrinsics [B,3,3],
    /// depths (finest first) each [B,1,h,w], explainability masks (same scales, [B,N,h,w]) or empty, pose [B,N,6]
    /// -> [B]. At each scale the images are area-downsampled and the focal/centre rows of K scaled to match;
    /// |target - warped| counts only where the projection is valid, weighted by the mask; summed over scales and
    /// references, averaged over channels and over all pixels (the port) or, with <paramref name="overValidPixels"/>,
    /// over the valid pixels only (with <paramref name="commonValidPixels"/>, those valid in every reference). With
    /// <paramref name="upsampledScales"/> every depth (and mask) is first upsampled to the target's size. With
    /// <paramref name="centredScales"/> a coarse scale's principal point follows the pixel centres
    /// (<see cref="ScaleIntrinsics"/>). With <paramref name="minimumReprojection"/> each pixel's error is the least
    /// over the references (times their number), a reference whose projection leaves the view counting with its
    /// unwarped error there, averaged over every pixel (the valid-pixel means do not apply: with them a pose that moves
    /// a reference out of view zeroed the loss).
    /// </summary>
    public static Tensor PhotometricPerSample(Tensor target, Tensor[] references, Tensor intrinsics,
        IReadOnlyList<Tensor> depths, IReadOnlyList<Tensor> masks, Tensor pose, bool overValidPixels = false,
            bool commonValidPixels = false,
        double ssim = 0, bool upsampledScales = false, bool centredScales = false, bool minimumReprojection = false,
        bool outOfViewAsUnwarped = false)
    {
        Tensor total = zeros(target.shape[0], device: target.device);
        for (int s = 0; s < depths.Count; s++)
        {
            var depth = upsampledScales && depths[s].shape[2] != target.shape[2]
                ? nn.functional.interpolate(depths[s], [target.shape[2], target.shape[3]],
                    mode: InterpolationMode.Bilinear, align_corners: false)
                : depths[s];
            long h = depth.shape[2], w = depth.shape[3];
            double downscale = (double)target.shape[2] / h;
            var tgt = Downsample(target, h, w);
            var k = ScaleIntrinsics(intrinsics, downscale, centredScales);
            var warps = references.Select((r, i) => InverseWarp.Warp(Downsample(r, h, w), depth[.., 0], pose[.., i], k))
                .ToArray();
            var common = commonValidPixels ? warps.Select(x => x.Valid).Aggregate((a, b) => a.logical_and(b)) : null;
            Tensor Error(Tensor warped)
            {
                var error = (tgt - warped).abs().mean([1], keepdim: true);          // [B,1,h,w]
                return ssim > 0 ? (1 - ssim) * error + ssim * StructuralError(tgt, warped).mean([1], keepdim: true)
                    : error;
            }
            // the error as if nothing had moved: where a projection leaves the view, the unwarped reference's
            Tensor Unwarped(int i) => Error(Downsample(references[i], h, w));
            var errors = new Tensor[references.Length];
            for (int i = 0; i < references.Length; i++)
            {
                var error = Error(warps[i].Warped);
                // minimum reprojection: where the projection leaves the view, the reference counts as if the pixel had
                // not moved (its error against the unwarped reference), so moving a reference out of view cannot zero
                // the loss
                if (minimumReprojection)
                    error = where(warps[i].Valid.unsqueeze(1), error, Unwarped(i));
                if (masks.Count > s) error = error * MaskAt(masks[s], i, h, w);
                errors[i] = error;
            }
            if (minimumReprojection)
            {
                total = total + references.Length * cat(errors, 1).min(1).values.mean([1, 2]);
                continue;
            }
            for (int i = 0; i < references.Length; i++)
            {
                var inside = (common ?? warps[i].Valid).unsqueeze(1).to(errors[i].dtype);     // [B,1,h,w]
                if (overValidPixels && outOfViewAsUnwarped)
                {
                    var still = Unwarped(i);
                    if (masks.Count > s) still = still * MaskAt(masks[s], i, h, w);
                    total = total + (errors[i] * inside + still * (1 - inside)).mean([1, 2, 3]);
                    continue;
                }
                var error = errors[i] * inside;
                total = total + (overValidPixels
                    ? error.sum([1, 2, 3]) / inside.sum([1, 2, 3]).clamp(min: 1)
                    : error.mean([1, 2, 3]));
            }
        }
        return total;
    }

    /// <summary>
    /// SC-SfMLearner's geometry consistency per sample: target depth [B,1,H,W], each reference's depth N x [B,1,H,W]
    /// (the DepthNet's, at the finest scale), intrinsics [B,3,3], pose [B,N,6] -> [B]. Each target pixel is moved into
    /// the reference with its depth and the pose; there its distance from the reference camera should equal the
    /// reference's depth sampled at that spot: |D_moved − D_ref| / (D_moved + D_ref), in [0, 1), averaged over the
    /// pixels that land inside the reference and over the references. Scale-free, so it ties every frame's depth to one
    /// scale and to the poses.
    /// </summary>
    public static Tensor DepthConsistencyPerSample(Tensor targetDepth, IReadOnlyList<Tensor> referenceDepths,
        Tensor intrinsics, Tensor pose)
    {
        Tensor total = zeros(targetDepth.shape[0], device: targetDepth.device);
        for (int i = 0; i < referenceDepths.Count; i++)
        {
            var (grid, moved, valid) = InverseWarp.Project(targetDepth[.., 0], pose[.., i], intrinsics);
            var sampled = nn.functional.grid_sample(referenceDepths[i], grid, mode: GridSampleMode.Bilinear,
                padding_mode: GridSamplePaddingMode.Border, align_corners: true)[.., 0];             // [B,H,W]
            var inside = valid.to(moved.dtype);
            var difference = (moved - sampled).abs() / (moved.clamp(min: 1e-3) + sampled);
            total = total + (difference * inside).sum([1, 2]) / inside.sum([1, 2]).clamp(min: 1);
        }
        return total / Math.Max(1, referenceDepths.Count);
    }

    /// <summary>Reference <paramref name="i"/>'s explainability mask [B,1,h,w] of one scale's masks
    /// [B,N,h',w'].</summary>
    static Tensor MaskAt(Tensor masks, int i, long h, long w)
    {
        var mask = masks[.., i..(i + 1)];
        return mask.shape[2] != h
            ? nn.functional.interpolate(mask, [h, w], mode: InterpolationMode.Bilinear, align_corners: false) : mask;
    }

    /// <summary>(1 − SSIM)/2 per pixel and channel over 3x3 windows (reflection-padded, Monodepth2's constants for
    /// images in [-1, 1]: C1 = (0.01·2)², C2 = (0.03·2)²), in [0, 1]: [B,C,h,w].</summary>
    public static Tensor StructuralError(Tensor x, Tensor y)
    {
        const double c1 = 0.02 * 0.02, c2 = 0.06 * 0.06;
        Tensor Pool(Tensor t) =>
            nn.functional.avg_pool2d(nn.functional.pad(t, [1, 1, 1, 1], TorchSharp.PaddingModes.Reflect), 3, 1);
        var mx = Pool(x); var my = Pool(y);
        var sx = Pool(x * x) - mx * mx; var sy = Pool(y * y) - my * my; var sxy = Pool(x * y) - mx * my;
        var ssim = (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sx + sy + c2));
        return ((1 - ssim) / 2).clamp(0, 1);
    }

    /// <summary>Intrinsics [B,3,3] of the frame area-averaged by <paramref name="downscale"/>: focal lengths divided by
    /// it; the principal point divided by it (the port) or, <paramref name="centred"/>, moved onto the coarse pixel
    /// grid, (c + ½)/d − ½, since coarse pixel k averages frame pixels dk .. dk + d − 1, centred at dk + (d −
    /// 1)/2.</summary>
    public static Tensor ScaleIntrinsics(Tensor intrinsics, double downscale, bool centred)
    {
        var k = cat([intrinsics[.., ..2] / downscale, intrinsics[.., 2..]], 1);
        if (!centred || downscale == 1) return k;
        var shift = zeros(1, 3, 3, dtype: k.dtype, device: k.device);
        shift[0, 0, 2] = shift[0, 1, 2] = tensor(0.5 - 0.5 / downscale, dtype: k.dtype);
        return k - shift;
    }

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
