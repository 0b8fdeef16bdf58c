using OpenCvSharp;
using Plotly.NET;
using VideoGradCam.Video;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace VideoGradCam.Plots;

/// <summary>
/// A clip as a strip: the sampled frames (top row), the same frames with the ground-truth evidence masks tinted
/// red (second row, when masks are given), and the per-frame relevance as bars under the strip.
/// </summary>
public static class FrameStripPlot
{
    /// <summary>Pixels between frames in the strip.</summary>
    public const int Gap = 2;

    /// <summary>The figure. <paramref name="masks"/>: <c>[T,H,W]</c> aligned with the clip (e.g.
    /// <see cref="ClipAnnotation.MasksFor"/>); <paramref name="relevance"/>: one value per sampled frame (ground truth
    /// 0/1, or a model's importance).</summary>
    public static GenericChart Build(Clip clip, Tensor? masks = null, IReadOnlyList<double>? relevance = null,
        string? title = null, int pixelsPerFrame = 96)
    {
        using var strip = Composite(clip, masks);
        int rows = masks is null ? 1 : 2;
        var png = Convert.ToBase64String(strip.ImEncode(".png"));
        var image = Chart.Image<string>(Source: "data:image/png;base64," + png, Name: "frames");
        image = Plotly.NET.Chart.withXAxis(HiddenAxis(), null).Invoke(image);
        image = Plotly.NET.Chart.withYAxis(HiddenAxis(), null).Invoke(image);
        var labels = clip.FrameIndices.Select((f, k) => $"{k}: frame {f}").ToArray();
        GenericChart chart = image;
        if (relevance != null)
        {
            if (relevance.Count != clip.T)
                throw new ArgumentException($"relevance has {relevance.Count} values, the clip {clip.T} frames.");
            var bars = Chart.Column<double, string, string>(values: relevance, Keys: labels, Name: "relevance");
            chart = Chart.Grid(new[] { image, bars }, 2, 1);
        }
        double scale = (double)pixelsPerFrame / clip.Width;
        int width = (int)Math.Max(400, strip.Width * scale + 80);
        int height = (int)(strip.Height * scale) + (relevance != null ? 200 : 0) + 80;
        chart = Plotly.NET.Chart.withSize((double)width, (double)height).Invoke(chart);
        var heading = title ?? $"{Path.GetFileName(clip.Source)}: {clip.T} frames"
            + (rows == 2 ? " (second row: evidence masks)" : "");
        return Plotly.NET.Chart.withTitle(heading, null).Invoke(chart);
    }

    public static GenericChart Build(Clip clip, Tensor? masks, bool[] relevance, string? title = null,
        int pixelsPerFrame = 96) =>
        Build(clip, masks, relevance.Select(r => r ? 1.0 : 0.0).ToArray(), title, pixelsPerFrame);

    /// <summary>An axis with no ticks, grid or zero line (image figures).</summary>
    internal static Plotly.NET.LayoutObjects.LinearAxis HiddenAxis()
    {
        var axis = new Plotly.NET.LayoutObjects.LinearAxis();
        axis.SetProperty("showticklabels", false);
        axis.SetProperty("showgrid", false);
        axis.SetProperty("zeroline", false);
        return axis;
    }

    /// <summary>The strip as an 8-bit BGR image: frames left to right (row 1), masked frames (row 2, if
    /// masks).</summary>
    public static Mat Composite(Clip clip, Tensor? masks = null)
    {
        using var rgb = clip.ToRgbBytes();                                                 // [T,H,W,3]
        int t = clip.T, h = clip.Height, w = clip.Width;
        if (masks is not null && !masks.shape.SequenceEqual(new long[] { t, h, w }))
            throw new ArgumentException($"masks are [{string.Join(",", masks.shape)}], the clip needs [{t},{h},{w}].");
        int rows = masks is null ? 1 : 2;
        var strip = new Mat(rows * h + (rows - 1) * Gap, t * w + (t - 1) * Gap, MatType.CV_8UC3, Scalar.White);
        var bytes = rgb.data<byte>().ToArray();
        float[]? maskValues = masks?.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        for (int k = 0; k < t; k++)
        {
            var pixels = new byte[h * w * 3];
            Array.Copy(bytes, k * h * w * 3, pixels, 0, pixels.Length);
            using var rgbFrame = Mat.FromPixelData(h, w, MatType.CV_8UC3, pixels);
            using var bgr = new Mat();
            Cv2.CvtColor(rgbFrame, bgr, ColorConversionCodes.RGB2BGR);
            bgr.CopyTo(new Mat(strip, new Rect(k * (w + Gap), 0, w, h)));
            if (maskValues is null) continue;
            var tinted = new byte[h * w * 3];
            System.Runtime.InteropServices.Marshal.Copy(bgr.Data, tinted, 0, tinted.Length);
            for (int p = 0; p < h * w; p++)
            {
                if (maskValues[k * h * w + p] < 0.5f) { for (int c = 0; c < 3; c++) tinted[p * 3 + c] =
                    (byte)(tinted[p * 3 + c] / 2); continue; }
                tinted[p * 3 + 2] = 255;                                                    // red in BGR
                tinted[p * 3 + 1] = (byte)(tinted[p * 3 + 1] / 3);
                tinted[p * 3 + 0] = (byte)(tinted[p * 3 + 0] / 3);
            }
            using var overlay = Mat.FromPixelData(h, w, MatType.CV_8UC3, tinted);
            overlay.CopyTo(new Mat(strip, new Rect(k * (w + Gap), h + Gap, w, h)));
        }
        return strip;
    }
}
