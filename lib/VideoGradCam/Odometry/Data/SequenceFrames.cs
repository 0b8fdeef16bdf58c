using System.Runtime.InteropServices;
using OpenCvSharp;
using VideoGradCam.Odometry.Geometry;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Data;

/// <summary>A snippet ready for the networks: target [B,3,H,W], references N x [B,3,H,W] (earlier then later
/// frames), intrinsics [B,3,3]; frame indices of the target and references in their sequence.</summary>
public sealed record Snippet(Tensor Target, Tensor[] References, Tensor Intrinsics, int TargetIndex,
    int[] ReferenceIndices)
{
    /// <summary>The snippet stacked as one tensor [B,(1+N)·3,H,W], target first: the input a CAM model takes.</summary>
    public Tensor Stacked() => cat([Target, .. References], 1);

    /// <summary>Splits a stacked snippet [B,(1+N)·3,H,W] back into target and references.</summary>
    public static (Tensor Target, Tensor[] References) Unstack(Tensor stacked)
    {
        var parts = stacked.split(3, 1);
        return (parts[0], parts[1..]);
    }
}

/// <summary>
/// A sequence loaded at a working size: frames [N,3,H,W] scaled to [-1,1] (the port's normalisation), K scaled to
/// that size, ground-truth poses (4x4 camera-to-world) and depth [N,H,W] in metres (0 = unknown) when present.
/// </summary>
public sealed class SequenceFrames : IDisposable
{
    public string Name { get; }
    public Tensor Images { get; }
    public double[,] Intrinsics { get; }
    public double[][,]? Poses { get; }
    public Tensor? Depth { get; }
    public int Count => (int)Images.shape[0];
    public int Height => (int)Images.shape[2];
    public int Width => (int)Images.shape[3];

    SequenceFrames(string name, Tensor images, double[,] k, double[][,]? poses, Tensor? depth)
    { Name = name; Images = images; Intrinsics = k; Poses = poses; Depth = depth; }

    /// <summary>Loads every frame resized to width x height; K's first row scales with the width, the second with the
    /// height.</summary>
    public static SequenceFrames Load(OdometrySequence seq, int width, int height)
    {
        var images = new float[seq.Frames.Count * 3 * height * width];
        double sx = 0, sy = 0;
        for (int i = 0; i < seq.Frames.Count; i++)
        {
            var (rgb, w0, h0) = ReadRgb(seq.Frames[i], width, height);
            if (i == 0) { sx = (double)width / w0; sy = (double)height / h0; }
            Array.Copy(rgb, 0, images, i * rgb.Length, rgb.Length);
        }
        var k = (double[,])seq.Intrinsics.Clone();
        for (int c = 0; c < 3; c++) { k[0, c] *= sx; k[1, c] *= sy; }
        Tensor? depth = null;
        if (seq.DepthFrames is { } dfs)
        {
            var d = new float[dfs.Count * height * width];
            for (int i = 0; i < dfs.Count; i++) ReadDepth(dfs[i], width, height).CopyTo(d, i * height * width);
            depth = tensor(d, [dfs.Count, height, width]);
        }
        var poses = seq.Poses?.Select(ToMatrix4).ToArray();
        return new SequenceFrames(seq.Name, tensor(images, [seq.Frames.Count, 3, height, width]), k, poses, depth);
    }

    static double[,] ToMatrix4(double[] p)
    {
        var m = new double[4, 4];
        for (int i = 0; i < 12; i++) m[i / 4, i % 4] = p[i];
        m[3, 3] = 1;
        return m;
    }

    /// <summary>An image as planar RGB in [-1,1] at the requested size, with its original size.</summary>
    static (float[] Rgb, int Width, int Height) ReadRgb(string path, int width, int height)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Frame missing: {path}", path);
        using var bgr = Cv2.ImRead(path, ImreadModes.Color);
        if (bgr.Empty()) throw new InvalidDataException($"{path}: cannot decode the image.");
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new OpenCvSharp.Size(width, height), interpolation: InterpolationFlags.Area);
        var bytes = new byte[width * height * 3];
        using (var cont = resized.IsContinuous() ? resized.Clone() : resized.Clone())
            Marshal.Copy(cont.Data, bytes, 0, bytes.Length);
        var rgb = new float[bytes.Length];
        int plane = width * height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
                rgb[c * plane + p] = (bytes[p * 3 + (2 - c)] / 255f - 0.5f) / 0.5f;
        return (rgb, bgr.Width, bgr.Height);
    }

    /// <summary>A 16-bit depth PNG (metres·256, 0 = unknown) resized with nearest neighbour, in metres.</summary>
    static float[] ReadDepth(string path, int width, int height)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Depth frame missing: {path}", path);
        using var raw = Cv2.ImRead(path, ImreadModes.Unchanged);
        if (raw.Empty() || raw.Type() != MatType.CV_16UC1) throw new InvalidDataException(
            $"{path}: not a 16-bit single-channel depth PNG.");
        using var resized = new Mat();
        Cv2.Resize(raw, resized, new OpenCvSharp.Size(width, height), interpolation: InterpolationFlags.Nearest);
        var values = new short[width * height];
        Marshal.Copy(resized.Data, values, 0, values.Length);
        return values.Select(v => (ushort)v / 256f).ToArray();
    }

    /// <summary>Target frame indices that have <c>(length-1)/2</c> neighbours on both sides.</summary>
    public IEnumerable<int> Targets(int length)
    {
        if (length < 2 || length % 2 == 0) throw new ArgumentException(
            $"Snippet length must be odd and at least 3 (got {length}).");
        if (Count < length)
            throw new InvalidDataException(
                $"Sequence '{Name}' has {Count} frame(s); snippets of {length} frames need at least {length}.");
        int k = length / 2;
        for (int t = k; t < Count - k; t++) yield return t;
    }

    /// <summary>Reference indices around target t: t-k..t-1, t+1..t+k.</summary>
    public static int[] ReferencesOf(int t, int length)
    {
        int k = length / 2;
        return Enumerable.Range(t - k, length).Where(i => i != t).ToArray();
    }

    /// <summary>The true pose of each reference of target t (<see cref="ReferencesOf"/> order) in PoseExpNet's output
    /// convention: the transform that maps target-camera points into the reference camera, as
    /// [tx,ty,tz,rx,ry,rz].</summary>
    public double[][] ReferencePoses(int t, int length)
    {
        var poses = Poses ?? throw new InvalidDataException($"Sequence {Name} has no ground-truth poses.");
        return ReferencesOf(t, length).Select(r => PoseMath.RelativeVector(poses[r], poses[t])).ToArray();
    }

    /// <summary>A batch of snippets around the given targets (each [B,...]; B = targets.Count).</summary>
    public Snippet Snippet(IReadOnlyList<int> targets, int length, Device? device = null)
    {
        var dev = device ?? CPU;
        var refs = targets.Select(t => ReferencesOf(t, length)).ToArray();
        var tgt = Images.index_select(0, tensor(targets.Select(t => (long)t).ToArray())).to(dev);
        var references = Enumerable.Range(0, length - 1)
            .Select(j => Images.index_select(0, tensor(refs.Select(r => (long)r[j]).ToArray())).to(dev)).ToArray();
        var k = IntrinsicsTensor(Intrinsics).unsqueeze(0).expand(targets.Count, 3, 3).to(dev);
        return new Snippet(tgt, references, k, targets[0], refs[0]);
    }

    public static Tensor IntrinsicsTensor(double[,] k) =>
        tensor(Enumerable.Range(0, 9).Select(i => (float)k[i / 3, i % 3]).ToArray(), [3, 3]);

    public void Dispose() { Images.Dispose(); Depth?.Dispose(); }
}
