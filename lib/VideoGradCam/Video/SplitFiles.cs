namespace VideoGradCam.Video;

/// <summary>
/// The official train/test splits of HMDB51 and UCF101, applied to a <see cref="VideoDataset"/>.
/// Every class of the data set must appear in the split files; errors name the file and the problem.
/// </summary>
public static class SplitFiles
{
    /// <summary>
    /// HMDB51: one file per class and split, <c>&lt;class&gt;_test_split&lt;k&gt;.txt</c>, lines <c>name.avi 1|2|0</c>
    /// (1 = train, 2 = test, 0 = unused).
    /// </summary>
    public static (VideoDataset Train, VideoDataset Test) Hmdb51(VideoDataset data, string splitFolder, int split)
    {
        CheckSplit(split);
        var train = new List<VideoItem>(); var test = new List<VideoItem>();
        for (int c = 0; c < data.ClassNames.Count; c++)
        {
            var name = data.ClassNames[c];
            var file = Path.Combine(splitFolder, $"{name}_test_split{split}.txt");
            if (!File.Exists(file))
                throw new FileNotFoundException($"{file}: no HMDB51 split file for class '{name}' (split {split}).",
                    file);
            var byName =
                data.Items.Where(i => i.Label == c).ToDictionary(i => Path.GetFileName(i.Path), StringComparer.Ordinal);
            int lineNo = 0;
            foreach (var raw in File.ReadLines(file))
            {
                lineNo++;
                var line = raw.Trim();
                if (line.Length == 0) continue;
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[1] is not ("0" or "1" or "2"))
                    throw new InvalidDataException($"{file}:{lineNo}: expected '<video> 0|1|2', got '{line}'.");
                if (parts[1] == "0") continue;
                if (!byName.TryGetValue(parts[0], out var item))
                    throw new FileNotFoundException(
                        $"{file}:{lineNo}: '{parts[0]}' is not in {Path.Combine(data.Root, name)}.");
                (parts[1] == "1" ? train : test).Add(item);
            }
        }
        return (data.With(train), data.With(test));
    }

    /// <summary>
    /// UCF101: <c>trainlist0k.txt</c> (lines <c>Class/v_..._gXX_cYY.avi N</c>) and <c>testlist0k.txt</c>
    /// (lines <c>Class/v_....avi</c>). Lines of classes outside the data set (a class subset) are skipped.
    /// </summary>
    public static (VideoDataset Train, VideoDataset Test) Ucf101(VideoDataset data, string splitFolder, int split)
    {
        CheckSplit(split);
        var byKey = data.Items.ToDictionary(i => $"{data.ClassNames[i.Label]}/{Path.GetFileName(i.Path)}",
            StringComparer.OrdinalIgnoreCase);
        var classes = data.ClassNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        List<VideoItem> Read(string fileName, out HashSet<string> seenClasses)
        {
            var file = Path.Combine(splitFolder, fileName);
            if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no UCF101 split list.", file);
            var items = new List<VideoItem>();
            seenClasses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            int lineNo = 0;
            foreach (var raw in File.ReadLines(file))
            {
                lineNo++;
                var line = raw.Trim();
                if (line.Length == 0) continue;
                var path = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0].Replace('\\', '/');
                int slash = path.IndexOf('/');
                if (slash <= 0) throw new InvalidDataException(
                    $"{file}:{lineNo}: expected '<Class>/<video>', got '{line}'.");
                var cls = path[..slash];
                if (!classes.Contains(cls)) continue;
                seenClasses.Add(cls);
                if (!byKey.TryGetValue(path, out var item))
                    throw new FileNotFoundException($"{file}:{lineNo}: '{path}' is not in {data.Root}.");
                items.Add(item);
            }
            return items;
        }
        var train = Read($"trainlist{split:00}.txt", out var trainClasses);
        var test = Read($"testlist{split:00}.txt", out var testClasses);
        var missing = data.ClassNames.Where(c => !trainClasses.Contains(c) && !testClasses.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{Path.Combine(splitFolder, $"trainlist{split:00}.txt")}: class(es) {string.Join(", ", missing)} " +
                $"appear in no split list of split {split}.");
        return (data.With(train), data.With(test));
    }

    static void CheckSplit(int split)
    {
        if (split is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(split),
            $"HMDB51 and UCF101 have splits 1, 2 and 3 (got {split}).");
    }
}
