using System.Runtime.InteropServices;
using OpenCvSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Plots;

/// <summary>Map-over-frame blending: overlay = (1 - alpha) frame + alpha jet(map) (see
/// <see cref="Colormap"/>).</summary>
public static class CamOverlay
{
    /// <summary>Normalised clip [3,T,H,W] -> frames [T,H,W,3] in [0,1]: x * std + mean per channel, clamped.</summary>
    public static Tensor Denormalise(Tensor clip, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        if (clip.dim() != 4 || clip.shape[0] != 3) throw new ArgumentException(
            $"A clip must be [3,T,H,W]; got [{string.Join(",", clip.shape)}].");
        var m = tensor(mean.Select(v => (float)v).ToArray()).reshape(3, 1, 1, 1);
        var s = tensor(std.Select(v => (float)v).ToArray()).reshape(3, 1, 1, 1);
        // [3,T,H,W] -> [T,H,W,3]
        return (clip.detach().cpu().to(ScalarType.Float32) * s + m).clamp(0, 1).permute(1, 2, 3, 0);
    }

    /// <summary>Frames [T,H,W,3] in [0,1] and maps [T,H,W] in [0,1] -> RGB bytes [T,H,W,3].</summary>
    public static Tensor Blend(Tensor frames, Tensor maps, double alpha = 0.5)
    {
        if (frames.dim() != 4 || frames.shape[3] != 3 || !frames.shape[..3].SequenceEqual(maps.shape))
            throw new ArgumentException(
                $"Frames [T,H,W,3] = [{string.Join(",", frames.shape)}] and maps [T,H,W] = " +
                $"[{string.Join(",", maps.shape)}] do not match.");
        return tensor(Blend(Floats(frames), Floats(maps), alpha), frames.shape, ScalarType.Byte);
    }

    static float[] Floats(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float32).contiguous().flatten();
        return c.data<float>().ToArray();
    }

    /// <summary>The same blend on plain arrays (no tensor: any thread may call it): frames <c>[T,H,W,3]</c> in [0,1]
    /// and maps <c>[T,H,W]</c> in [0,1] -> RGB bytes <c>[T,H,W,3]</c>, in float32, rounded half to even.</summary>
    public static byte[] Blend(float[] frames, float[] maps, double alpha = 0.5)
    {
        if (frames.Length != maps.Length * 3) throw new ArgumentException(
            $"Frames [T,H,W,3] ({frames.Length} values) and maps [T,H,W] ({maps.Length} values) do not match.");
        var rgb = new byte[frames.Length];
        float keep = (float)(1 - alpha), mix = (float)alpha;
        for (int i = 0; i < maps.Length; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                float heat = Colormap.Channel(maps[i], c);
                float mixed = frames[3 * i + c] * keep + heat * mix;
                rgb[3 * i + c] = (byte)Math.Clamp(MathF.Round(mixed * 255), 0f, 255f);
            }
        }
        return rgb;
    }

    /// <summary>One RGB frame [H,W,3] bytes -> an OpenCV BGR image (caller disposes).</summary>
    public static Mat ToBgrMat(Tensor rgb)
    {
        int h = (int)rgb.shape[0], w = (int)rgb.shape[1];
        return ToBgrMat(rgb.contiguous().cpu().data<byte>().ToArray(), 0, h, w);
    }

    /// <summary>Frame <c>[H,W,3]</c> of RGB bytes starting at <paramref name="offset"/> -> an OpenCV BGR image (caller
    /// disposes).</summary>
    public static Mat ToBgrMat(byte[] rgb, int offset, int h, int w)
    {
        using var mat = new Mat(h, w, MatType.CV_8UC3);
        Marshal.Copy(rgb, offset, mat.Data, h * w * 3);
        var bgr = new Mat();
        Cv2.CvtColor(mat, bgr, ColorConversionCodes.RGB2BGR);
        return bgr;
    }

    /// <summary>One RGB frame [H,W,3] bytes -> PNG bytes.</summary>
    public static byte[] EncodePng(Tensor rgb)
    {
        using var bgr = ToBgrMat(rgb);
        return bgr.ImEncode(".png");
    }

    /// <summary>Frame <c>[H,W,3]</c> of RGB bytes at <paramref name="offset"/> -> PNG bytes.</summary>
    public static byte[] EncodePng(byte[] rgb, int offset, int h, int w)
    {
        using var bgr = ToBgrMat(rgb, offset, h, w);
        return bgr.ImEncode(".png");
    }

    /// <summary>One RGB frame [H,W,3] bytes -> JPEG bytes (quality 90): a tenth of the PNG's size for an overlay, where
    /// the map's smooth colours hide the compression.</summary>
    public static byte[] EncodeJpeg(Tensor rgb)
    {
        using var bgr = ToBgrMat(rgb);
        return Jpeg(bgr);
    }

    /// <summary>Frame <c>[H,W,3]</c> of RGB bytes at <paramref name="offset"/> -> JPEG bytes (quality 90).</summary>
    public static byte[] EncodeJpeg(byte[] rgb, int offset, int h, int w)
    {
        using var bgr = ToBgrMat(rgb, offset, h, w);
        return Jpeg(bgr);
    }

    static byte[] Jpeg(Mat bgr) => bgr.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
}
