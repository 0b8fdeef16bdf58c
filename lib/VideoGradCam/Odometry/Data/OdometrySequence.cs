using System.Globalization;

namespace VideoGradCam.Odometry.Data;

/// <summary>
/// One camera sequence on disk: its frames in order, intrinsics K (3x3, at the frames' own size), ground-truth
/// camera-to-world poses (3x4 rows, first frame = world) and depth maps (16-bit PNG, metres·256, 0 = no depth) when
/// known.
/// </summary>
public sealed record OdometrySequence(string Name, IReadOnlyList<string> Frames, double[,] Intrinsics,
    IReadOnlyList<double[]>? Poses, IReadOnlyList<string>? DepthFrames)
{
    /// <summary>Fails when the sequence is too short for snippets of <paramref name="snippetLength"/> frames.</summary>
    public void RequireLength(int snippetLength)
    {
        if (Frames.Count < snippetLength)
            throw new InvalidDataException(
                $"Sequence '{Name}' has {Frames.Count} frame(s); snippets of {snippetLength} frames need at least " +
                $"{snippetLength}.");
    }
}

/// <summary>Readers for the two layouts SfMLearner users have: KITTI odometry, and the port's prepared
/// scenes.</summary>
public static class OdometryDatasets
{
    static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Reads either layout: KITTI odometry when <c>root/sequences</c> exists, else prepared scenes.</summary>
    public static IReadOnlyList<OdometrySequence> Open(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Odometry data folder not found: {root}");
        return Directory.Exists(Path.Combine(root, "sequences")) ? OpenKitti(root) : OpenPrepared(root);
    }

    /// <summary>KITTI odometry: <c>sequences/NN/image_2/*.png</c>, <c>sequences/NN/calib.txt</c> (P2 line),
    /// <c>poses/NN.txt</c> (optional, 12 numbers a line), <c>sequences/NN/depth/*.png</c> (optional).</summary>
    public static IReadOnlyList<OdometrySequence> OpenKitti(string root, IEnumerable<string>? names = null)
    {
        var seqRoot = Path.Combine(root, "sequences");
        if (!Directory.Exists(seqRoot)) throw new DirectoryNotFoundException($"No 'sequences' folder in {root}.");
        var wanted = names?.ToList()
            ?? Directory.EnumerateDirectories(seqRoot).Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();
        var result = new List<OdometrySequence>();
        foreach (var name in wanted)
        {
            var dir = Path.Combine(seqRoot, name);
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Sequence folder not found: {dir}");
            var frames = ListImages(Path.Combine(dir, "image_2"));
            RequireContiguous(frames);
            var k = ReadKittiCalibration(Path.Combine(dir, "calib.txt"));
            var posesFile = Path.Combine(root, "poses", name + ".txt");
            var poses = File.Exists(posesFile) ? ReadPoses(posesFile, frames.Count) : null;
            var depthDir = Path.Combine(dir, "depth");
            var depth = Directory.Exists(depthDir) ? MatchingFiles(depthDir, frames) : null;
            result.Add(new OdometrySequence(name, frames, k, poses, depth));
        }
        if (result.Count == 0) throw new InvalidDataException($"No sequences in {seqRoot}.");
        return result;
    }

    /// <summary>The port's prepared layout: scene folders holding <c>cam.txt</c> (3x3) and frames; <c>poses.txt</c>
    /// optional.</summary>
    public static IReadOnlyList<OdometrySequence> OpenPrepared(string root)
    {
        var result = new List<OdometrySequence>();
        foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var cam = Path.Combine(dir, "cam.txt");
            if (!File.Exists(cam)) continue;
            var frames = ListImages(dir);
            var posesFile = Path.Combine(dir, "poses.txt");
            result.Add(new OdometrySequence(Path.GetFileName(dir), frames, ReadCamTxt(cam),
                File.Exists(posesFile) ? ReadPoses(posesFile, frames.Count) : null, null));
        }
        if (result.Count == 0)
            throw new InvalidDataException(
                $"{root}: neither a KITTI odometry layout (sequences/) nor prepared scenes (folders with cam.txt).");
        return result;
    }

    static List<string> ListImages(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Frame folder not found: {dir}");
        var frames =
            Directory.EnumerateFiles(dir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        if (frames.Count == 0) throw new InvalidDataException($"No frames (.png/.jpg) in {dir}.");
        return frames;
    }

    /// <summary>KITTI frames are numbered 000000, 000001, ...: a gap means a missing frame.</summary>
    static void RequireContiguous(IReadOnlyList<string> frames)
    {
        for (int i = 0; i < frames.Count; i++)
        {
            var stem = Path.GetFileNameWithoutExtension(frames[i]);
            if (!int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return;
            if (n != i)
                throw new InvalidDataException(
                    $"{Path.GetDirectoryName(frames[i])}: frame {i:000000} is missing (found {stem} at position {i}).");
        }
    }

    static List<string> MatchingFiles(string dir, IReadOnlyList<string> frames)
    {
        var list = new List<string>();
        foreach (var f in frames)
        {
            var d = Path.Combine(dir, Path.GetFileNameWithoutExtension(f) + ".png");
            if (!File.Exists(d)) throw new FileNotFoundException($"Depth frame missing for {Path.GetFileName(f)}: {d}",
                d);
            list.Add(d);
        }
        return list;
    }

    /// <summary>K from the <c>P2:</c> line of a KITTI calib.txt (a 3x4 projection, row-major).</summary>
    public static double[,] ReadKittiCalibration(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Calibration file not found: {path}", path);
        var line = File.ReadLines(path).FirstOrDefault(l => l.TrimStart().StartsWith("P2:", StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{path}: no 'P2:' line (the left colour camera's projection matrix).");
        var v = ParseNumbers(line.TrimStart()[3..], path, "P2");
        if (v.Length != 12) throw new InvalidDataException(
            $"{path}: the P2 line has {v.Length} numbers, expected 12 (a 3x4 matrix).");
        var k = new double[3, 3];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) k[r, c] = v[r * 4 + c];
        ValidateIntrinsics(k, path);
        return k;
    }

    /// <summary>K from the port's cam.txt (3 lines of 3 numbers).</summary>
    public static double[,] ReadCamTxt(string path)
    {
        var v = ParseNumbers(string.Join(' ', File.ReadAllLines(path)), path, "intrinsics");
        if (v.Length != 9) throw new InvalidDataException(
            $"{path}: expected 9 numbers (a 3x3 matrix), found {v.Length}.");
        var k = new double[3, 3];
        for (int i = 0; i < 9; i++) k[i / 3, i % 3] = v[i];
        ValidateIntrinsics(k, path);
        return k;
    }

    static void ValidateIntrinsics(double[,] k, string path)
    {
        if (!(k[0, 0] > 0 && k[1, 1] > 0) || k[2, 2] != 1)
            throw new InvalidDataException(
                $"{path}: not a camera matrix (focal lengths must be positive, K[2,2] = 1).");
    }

    /// <summary>KITTI poses: one 3x4 camera-to-world matrix (12 numbers) a line, one line per frame.</summary>
    public static List<double[]> ReadPoses(string path, int expectedFrames)
    {
        var poses = new List<double[]>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            var v = ParseNumbers(line, path, $"line {lineNo}");
            if (v.Length != 12) throw new InvalidDataException(
                $"{path}: line {lineNo} has {v.Length} numbers, expected 12 (a 3x4 pose).");
            poses.Add(v);
        }
        if (poses.Count != expectedFrames)
            throw new InvalidDataException($"{path}: {poses.Count} poses for {expectedFrames} frames.");
        return poses;
    }

    static double[] ParseNumbers(string text, string path, string what)
    {
        var parts = text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var v = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new InvalidDataException($"{path}: '{parts[i]}' in {what} is not a number.");
        return v;
    }
}
