using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Video;

/// <summary>A frame's size in pixels.</summary>
public sealed record FrameSize(int Width, int Height);

/// <summary>
/// How decoded frames were mapped to clip pixels: source size, resized size, the crop rectangle (in resized
/// pixels) and a left-right flip. Ground-truth masks go through the same mapping (<see cref="Apply"/>).
/// </summary>
public sealed record FrameGeometry(FrameSize Source, FrameSize Resized, Box Crop, bool Flipped)
{
    /// <summary>Resize, crop and flip one image (any channel count) the way the clip's frames were.</summary>
    public OpenCvSharp.Mat Apply(OpenCvSharp.Mat source, OpenCvSharp.InterpolationFlags? interpolation = null)
    {
        if (source.Width != Source.Width || source.Height != Source.Height)
            throw new InvalidDataException(
                $"Image is {source.Width}x{source.Height}, the clip's frames were {Source.Width}x{Source.Height}.");
        var resized = new OpenCvSharp.Mat();
        if (Resized != Source)
        {
            var shrink = Resized.Width < Source.Width;
            OpenCvSharp.Cv2.Resize(source, resized, new OpenCvSharp.Size(Resized.Width, Resized.Height), 0, 0,
                interpolation
                    ?? (shrink ? OpenCvSharp.InterpolationFlags.Area : OpenCvSharp.InterpolationFlags.Linear));
        }
        else source.CopyTo(resized);
        var crop = new OpenCvSharp.Rect(Crop.X, Crop.Y, Crop.Width, Crop.Height);
        var cropped = new OpenCvSharp.Mat(resized, crop).Clone();
        resized.Dispose();
        if (Flipped) OpenCvSharp.Cv2.Flip(cropped, cropped, OpenCvSharp.FlipMode.Y);
        return cropped;
    }
}

/// <summary>
/// One clip: the frames tensor (<c>[T,C,H,W]</c> or <c>[C,T,H,W]</c> per <see cref="Layout"/>, float32, RGB,
/// normalised), the exact source frame indices, the label (-1 when unknown) and where it came from.
/// </summary>
public sealed record Clip(Tensor Frames, int[] FrameIndices, int Label, string Source, ClipLayout Layout,
    Normalization Normalization, FrameGeometry Geometry, int SourceFrameCount) : IDisposable
{
    public int T => FrameIndices.Length;
    public int Height => Geometry.Crop.Height;
    public int Width => Geometry.Crop.Width;

    /// <summary>The frames back as displayable pixels: <c>[T,H,W,3]</c> uint8 RGB (normalisation undone).</summary>
    public Tensor ToRgbBytes()
    {
        using var scope = NewDisposeScope();
        var tchw = Layout == ClipLayout.TCHW ? Frames : Frames.permute(1, 0, 2, 3);      // [C,T,H,W] -> [T,C,H,W]
        var mean = tensor(Normalization.Mean).view(1, 3, 1, 1);
        var std = tensor(Normalization.Std).view(1, 3, 1, 1);
        var pixels = (tchw * std + mean).mul(255).round().clamp(0, 255).to(ScalarType.Byte);
        return pixels.permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();         // [T,C,H,W] -> [T,H,W,C]
    }

    public void Dispose() => Frames.Dispose();
}
