using static TorchSharp.torch;

namespace VideoGradCam.Cam.Metrics;

/// <summary>Hits over frames; <see cref="Accuracy"/> is NaN when no frame was scored.</summary>
public sealed record PointingResult(int Hits, int Frames)
{
    public double Accuracy => Frames == 0 ? double.NaN : (double)Hits / Frames;
}

/// <summary>
/// Pointing game (Zhang et al. 2016, TorchRay's tolerance): a frame is a hit when the map's maximum lies within
/// <c>tolerance</c> pixels (Euclidean, i.e. inside the mask dilated by a disk) of the ground-truth mask.
/// Scored frames: relevant frames (all frames when no relevance is given) whose mask is not empty. A frame whose map
/// is all zero points nowhere and counts as a miss.
/// </summary>
public static class PointingGame
{
    public const int DefaultTolerance = 15;

    /// <param name="maps">[B,T,H,W]</param>
    /// <param name="masks">[B,T,H,W] bool or float (non-zero = object)</param>
    /// <param name="relevance">[B,T] bool, or null</param>
    /// <param name="dilated">the masks already dilated by <paramref name="tolerance"/> (<see cref="Dilate"/>), for a
    /// caller that scores several maps of the same clips; null: dilated here.</param>
    public static PointingResult Evaluate(Tensor maps, Tensor masks, Tensor? relevance = null,
        int tolerance = DefaultTolerance, Tensor? dilated = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (m, gt, scored) = MetricInputs.Frames(maps, masks, relevance);          // [N,H,W], [N,H,W], [N]
        var hitZone = dilated?.reshape(gt.shape) ?? Dilate(gt, tolerance);          // [N,H,W] bool
        var argmax = m.flatten(1).argmax(1);                                        // [N]
        var hitAtMax = hitZone.flatten(1).gather(1, argmax.unsqueeze(1)).squeeze(1); // [N]
        var pointsSomewhere = m.flatten(1).amax([1]) > 0;
        var hit = hitAtMax.logical_and(pointsSomewhere).logical_and(scored);
        return new PointingResult((int)hit.sum().item<long>(), (int)scored.sum().item<long>());
    }

    /// <summary>[N,H,W] bool -> bool, every pixel within <paramref name="radius"/> of a true pixel.</summary>
    public static Tensor Dilate(Tensor mask, int radius)
    {
        if (radius <= 0) return mask.alias();
        int k = 2 * radius + 1;
        var yy = arange(k).sub(radius).unsqueeze(1).expand(k, k);
        var xx = arange(k).sub(radius).unsqueeze(0).expand(k, k);
        var disk = (yy.pow(2) + xx.pow(2) <= radius * radius).to(ScalarType.Float32).reshape(1, 1, k, k);
        // [N,1,H,W]
        var spread = nn.functional.conv2d(mask.to(ScalarType.Float32).unsqueeze(1), disk, padding: [radius, radius]);
        return spread.squeeze(1) > 0.5;
    }
}

/// <summary>Energy-based pointing game (Wang et al. 2020, Score-CAM): the share of the map's sum inside the mask,
/// averaged over the scored frames (as in <see cref="PointingGame"/>); a frame with an all-zero map scores 0.</summary>
public static class EnergyPointingGame
{
    public sealed record Result(double MeanShare, int Frames);

    public static Result Evaluate(Tensor maps, Tensor masks, Tensor? relevance = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (m, gt, scored) = MetricInputs.Frames(maps, masks, relevance);
        var inside = (m * gt.to(m.dtype)).flatten(1).sum(1);
        var total = m.flatten(1).sum(1);
        var share = where(total > 0, inside / where(total > 0, total, ones_like(total)), zeros_like(total));
        int frames = (int)scored.sum().item<long>();
        double mean = frames == 0 ? double.NaN : share.masked_select(scored).sum().item<float>() / frames;
        return new Result(mean, frames);
    }
}

static class MetricInputs
{
    /// <summary>maps/masks [B,T,H,W] -> [B*T,H,W] float maps, bool masks, and the scored frames [B*T] (relevant and
    /// mask non-empty).</summary>
    public static (Tensor Maps, Tensor Masks, Tensor Scored) Frames(Tensor maps, Tensor masks, Tensor? relevance)
    {
        if (maps.dim() != 4) throw new ArgumentException(
            $"Maps must be [B,T,H,W]; got [{string.Join(",", maps.shape)}].");
        if (!maps.shape.SequenceEqual(masks.shape))
            throw new ArgumentException(
                $"Masks [{string.Join(",", masks.shape)}] must match the maps [{string.Join(",", maps.shape)}].");
        long n = maps.shape[0] * maps.shape[1];
        var m = maps.to(ScalarType.Float32).reshape(n, maps.shape[2], maps.shape[3]);
        var gt = (masks.to(ScalarType.Float32) > 0.5).reshape(n, maps.shape[2], maps.shape[3]);
        var scored = gt.flatten(1).any(1);
        if (relevance is not null)
        {
            if (relevance.shape[0] != maps.shape[0] || relevance.shape[1] != maps.shape[1])
                throw new ArgumentException(
                    $"Relevance must be [B,T] = [{maps.shape[0]},{maps.shape[1]}]; got " +
                    $"[{string.Join(",", relevance.shape)}].");
            scored = scored.logical_and(relevance.to(ScalarType.Float32).reshape(n) > 0.5);
        }
        return (m, gt, scored);
    }
}
