namespace VideoGradCam.Video;

/// <summary>One video of a data set and its class index.</summary>
public sealed record VideoItem(string Path, int Label);

/// <summary>
/// Videos in the class-per-folder layout (<c>root/&lt;class&gt;/&lt;video&gt;</c>, as UCF101 and HMDB51 ship),
/// with their class names. Class order: the root's <c>classes.txt</c> when present (one name a line, as the
/// synthetic generator writes it), else folder names in ordinal order. A video is a file with a video
/// extension or a sub-folder of frame images; hidden files (a leading dot: temp files) are skipped.
/// </summary>
public sealed class VideoDataset
{
    public static readonly string[] VideoExtensions =
        [".avi", ".mp4", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg", ".ogv", ".flv"];

    public string Root { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public IReadOnlyList<VideoItem> Items { get; }

    public VideoDataset(string root, IReadOnlyList<string> classNames, IReadOnlyList<VideoItem> items)
    {
        Root = root; ClassNames = classNames; Items = items;
    }

    public int Count => Items.Count;

    /// <summary>Scans <paramref name="root"/>; <paramref name="classSubset"/> keeps only those classes (in that
    /// order).</summary>
    public static VideoDataset FromFolders(string root, IEnumerable<string>? classSubset = null)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: no such data set folder.");
        var folders = Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).ToHashSet(StringComparer.Ordinal);
        var listFile = Path.Combine(root, SyntheticActions.ClassListFile);
        List<string> classes = File.Exists(listFile)
            ? File.ReadAllLines(listFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToList()
            : folders.Order(StringComparer.Ordinal).ToList();
        if (classSubset != null)
        {
            var subset = classSubset.ToList();
            var unknown = subset.Where(c => !folders.Contains(c)).ToList();
            if (unknown.Count > 0)
                throw new DirectoryNotFoundException(
                    $"{root}: no folder for class(es) {string.Join(", ", unknown)} (found: " +
                    $"{string.Join(", ", folders.Order())}).");
            classes = subset;
        }
        if (classes.Count == 0) throw new InvalidDataException(
            $"{root}: no class folders (expected root/<class>/<video>).");
        var items = new List<VideoItem>();
        for (int c = 0; c < classes.Count; c++)
        {
            var dir = Path.Combine(root, classes[c]);
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException(
                $"{dir}: class '{classes[c]}' is listed but has no folder.");
            items.AddRange(VideosIn(dir).Select(v => new VideoItem(v, c)));
        }
        if (items.Count == 0)
            throw new InvalidDataException(
                $"{root}: no videos in the class folders ({string.Join(", ", VideoExtensions)} files or frame " +
                "folders).");
        return new VideoDataset(root, classes, items);
    }

    /// <summary>Videos in one class folder, in ordinal name order.</summary>
    public static IEnumerable<string> VideosIn(string classFolder)
    {
        var files = Directory.EnumerateFiles(classFolder)
            .Where(f => !Path.GetFileName(f).StartsWith('.')
                && VideoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()));
        var frameFolders = Directory.EnumerateDirectories(classFolder)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && Directory.EnumerateFiles(d)
                .Any(f => FrameSource.ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())));
        return files.Concat(frameFolders).Order(StringComparer.Ordinal);
    }

    /// <summary>The same classes (and class indices), other items.</summary>
    public VideoDataset With(IReadOnlyList<VideoItem> items) => new(Root, ClassNames, items);

    /// <summary>Per class, <paramref name="testFraction"/> of its videos (at least one when it has two) go to test;
    /// seeded.</summary>
    public (VideoDataset Train, VideoDataset Test) StratifiedSplit(double testFraction, int seed)
    {
        if (testFraction is <= 0 or >= 1) throw new ArgumentException(
            $"testFraction must be in (0,1) (got {testFraction}).");
        var rng = new Random(seed);
        var train = new List<VideoItem>(); var test = new List<VideoItem>();
        foreach (var group in Items.GroupBy(i => i.Label).OrderBy(g => g.Key))
        {
            var shuffled = group.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
            rng.Shuffle(shuffled);
            int nTest = shuffled.Length < 2 ? 0
                : Math.Clamp((int)Math.Round(shuffled.Length * testFraction), 1, shuffled.Length - 1);
            test.AddRange(shuffled.Take(nTest));
            train.AddRange(shuffled.Skip(nTest));
        }
        return (With(train), With(test));
    }

    public Dictionary<string, int> CountPerClass() =>
        ClassNames.Select((n, i) => (n, Items.Count(v => v.Label == i))).ToDictionary(x => x.n, x => x.Item2);
}
