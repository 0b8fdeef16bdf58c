using Plotly.NET;
using VideoGradCam.Cam;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Plots;

/// <summary>
/// Maps over your own frames in one call (pytorch-grad-cam's <c>show_cam_on_image</c>, for images and clips), as a
/// chart for a notebook or as the explain page (figure, overlaid video, strip) for any model's <see cref="CamResult"/>.
/// <para>Frames are read from the model's input: <c>[B,3,H,W]</c>, <c>[B,3,T,H,W]</c> or <c>[B,T,3,H,W]</c>. Give its
/// <see cref="Normalization"/> (e.g. <see cref="Normalization.ImageNet"/>, or <c>new Normalization("mine", mean,
/// std)</c>) to undo it; without one, an input outside [0,1] is stretched to [0,1] for display.</para>
/// </summary>
public static class CamView
{
    /// <summary>Sample <paramref name="sample"/> of a model input as frames <c>[T,H,W,3]</c> in [0,1] (T = 1 for an
    /// image).</summary>
    public static Tensor Frames(Tensor input, int sample = 0, Normalization? normalization = null)
    {
        using var scope = NewDisposeScope();
        var x = input[sample].detach().cpu().to(ScalarType.Float32);
        var clip = x.dim() switch                                            // -> [3,T,H,W]
        {
            3 when x.shape[0] == 3 => x.unsqueeze(1),                        // [3,H,W]
            4 when x.shape[0] == 3 => x,                                     // [3,T,H,W]
            4 when x.shape[1] == 3 => x.permute(1, 0, 2, 3),                 // [T,3,H,W]
            _ => throw new ArgumentException(
                $"Expected an input [B,3,H,W], [B,3,T,H,W] or [B,T,3,H,W]; got [{string.Join(",", input.shape)}]."),
        };
        if (normalization is not null)
            return CamOverlay.Denormalise(clip, normalization.Mean.Select(v => (double)v).ToList(),
                normalization.Std.Select(v => (double)v).ToList()).MoveToOuterDisposeScope();
        var (lo, hi) = (clip.min().item<float>(), clip.max().item<float>());
        if (lo < 0 || hi > 1) clip = (clip - lo) / Math.Max(hi - lo, 1e-12f);
        return clip.permute(1, 2, 3, 0).contiguous().MoveToOuterDisposeScope(); // [3,T,H,W] -> [T,H,W,3]
    }

    /// <summary><c>show_cam_on_image</c>: frames in [0,1], <c>[H,W,3]</c> or <c>[T,H,W,3]</c>, and maps in [0,1],
    /// <c>[H,W]</c> or <c>[T,H,W]</c>, -> RGB bytes of the same shape as the frames: (1 - alpha) frame + alpha
    /// jet(map).</summary>
    public static Tensor Overlay(Tensor frames, Tensor maps, double alpha = 0.5) =>
        frames.dim() == 3 ? CamOverlay.Blend(frames.unsqueeze(0), maps.unsqueeze(0), alpha).squeeze(0)
            : CamOverlay.Blend(frames, maps, alpha);

    /// <summary>The map of sample <paramref name="sample"/> over its frames, as one chart (a strip of overlays with the
    /// map's colour bar).</summary>
    public static GenericChart Show(Tensor input, CamResult result, int sample = 0, string title = "Grad-CAM",
        double alpha = 0.5,
        Normalization? normalization = null)
    {
        using var scope = NewDisposeScope();
        var overlays = Overlay(Frames(input, sample, normalization), result.Maps[sample], alpha); // [T,H,W,3]
        return CamComparisonPlot.Strips([(overlays.shape[0] == 1 ? "" : title, overlays)],
            Enumerable.Range(0, (int)overlays.shape[0]).ToList(), title);
    }

    /// <summary>The explain page of sample <paramref name="sample"/> (what <c>./workspace explain</c> writes):
    /// <c>NAME.html</c> with the figure, the overlaid video and the strip, beside <c>NAME.mp4</c>, <c>NAME.png</c> and
    /// <c>NAME.json</c>. Returns the page's path.</summary>
    public static string WritePage(string outDir, string name, Tensor input, CamResult result, int sample = 0,
        string title = "Grad-CAM",
        Normalization? normalization = null, double fps = 8)
    {
        Directory.CreateDirectory(outDir);
        using var frames = Frames(input, sample, normalization);
        CamPlots.WriteExplanation(outDir, name, frames, result, sample, title, fps: fps);
        return Path.Combine(outDir, name + ".html");
    }
}
