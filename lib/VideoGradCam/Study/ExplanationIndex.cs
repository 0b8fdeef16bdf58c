using System.Text.Json;
using System.Text.RegularExpressions;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>
/// The index of an <c>explain --data</c> output folder. Each shard k of n writes <c>index-k-of-n.json</c> (and its
/// page; a single shard writes <c>index.html</c>); <see cref="Merge"/> joins every shard's JSON into
/// <c>index.json</c> and <c>index.html</c>, each video once. Paths inside are relative to the folder, so shards may
/// run on machines that mount it at different places. A video is done when every chosen output exists: the JSON,
/// written last, marks it.
/// </summary>
public static partial class ExplanationIndex
{
    /// <summary>What an index JSON holds.</summary>
    /// <param name="Outputs">the outputs written per video (<see cref="ExplanationOutputChoice.Describe"/>).</param>
    public sealed record Contents(string Data, int Shard, int Shards, string Outputs,
        IReadOnlyList<ExplainedVideo> Videos);

    public static string ShardFile(int k, int n) => $"index-{k}-of-{n}.json";

    /// <summary>True when every file of <paramref name="outputs"/> exists for the video.</summary>
    public static bool IsDone(string folder, string name, ExplanationOutputs outputs) =>
        ExplanationOutputChoice.Extensions(outputs).All(x => File.Exists(Path.Combine(folder, name + x)));

    /// <summary>Deletes the temp files an interrupted writer of this video left (<see cref="AtomicFile"/>'s
    /// <c>.NAME.ext.PID.tmp.ext</c>). Only this video's: other shards write beside it.</summary>
    public static void RemoveTemporaries(string folder, string name)
    {
        if (!Directory.Exists(folder)) return;
        var own = new Regex($@"^\.{Regex.Escape(name)}\.(json|png|mp4|html)\.\d+\.tmp\.\1$");
        foreach (var tmp in Directory.EnumerateFileSystemEntries(folder, $".{name}.*"))
        {
            if (!own.IsMatch(Path.GetFileName(tmp))) continue;
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            else File.Delete(tmp);
        }
    }

    /// <summary>The entry of a video explained by an earlier run, read back from its JSON.</summary>
    public static ExplainedVideo FromJson(string video, string cls, string stem, IReadOnlyList<string> classNames)
    {
        var json = stem + ".json";
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var importance = root.GetProperty("frame_importance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var title = root.GetProperty("title").GetString() ?? "";
        var target = root.TryGetProperty("target", out var t) ? t.GetString() ?? "" : Between(title, "target '", "'");
        var predicted = root.TryGetProperty("predicted", out var p) ? p.GetString() ?? ""
            : Between(title, "predicted '", "'");
        var logits =
            root.GetProperty("outputs").GetProperty("logits").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int k = classNames.ToList().IndexOf(target);
        double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
        double probability = k < 0 ? double.NaN : Math.Exp(logits[k] - max) / sum;          // softmax at the target
        return new ExplainedVideo(video, cls, stem, target, predicted, probability, importance);
    }

    /// <summary>Writes shard k of n's index (JSON, and its page) into <paramref name="output"/>.</summary>
    public static void WriteShard(string output, string data, int k, int n, ExplanationOutputs outputs,
        IReadOnlyList<ExplainedVideo> videos)
    {
        var relative = videos.Select(v => v with { Output = Relative(output, v.Output) }).ToList();
        var contents = new Contents(data, k, n, ExplanationOutputChoice.Describe(outputs), relative);
        AtomicFile.WriteAllText(Path.Combine(output, ShardFile(k, n)),
            JsonSerializer.Serialize(contents, JsonDefaults.Indented));
        var title = $"Grad-CAM explanations of {data}" + (n > 1 ? $" (shard {k} of {n})" : "");
        WritePage(Path.Combine(output, n == 1 ? "index.html" : $"index-{k}-of-{n}.html"), output, title, contents);
    }

    /// <summary>
    /// Joins the shards' indexes in <paramref name="output"/> into <c>index.json</c> and <c>index.html</c>, every video
    /// once, in the data set's order by shard. InvalidDataException names the shards that have not written their
    /// index (not run, or not finished), or a folder without any.
    /// </summary>
    public static Contents Merge(string output)
    {
        if (!Directory.Exists(output)) throw new DirectoryNotFoundException($"{output}: no such output folder.");
        var shards = Directory.EnumerateFiles(output, "index-*-of-*.json")
            .Select(f => (File: f, Match: ShardName().Match(Path.GetFileName(f)))).Where(s => s.Match.Success)
            .Select(s => (s.File, K: int.Parse(s.Match.Groups[1].Value), N: int.Parse(s.Match.Groups[2].Value)))
            .ToList();
        if (shards.Count == 0) throw new InvalidDataException(
            $"{output}: no shard index (index-K-of-N.json) to merge; run explain --data ... --shard k/n first.");
        var counts = shards.Select(s => s.N).Distinct().ToList();
        if (counts.Count > 1) throw new InvalidDataException(
            $"{output}: indexes of runs with different shard counts ({string.Join(", ", counts)}); " +
            "merge the shards of one run (delete the others' index-K-of-N.json).");
        int n = counts[0];
        var missing = Enumerable.Range(1, n).Except(shards.Select(s => s.K)).ToList();
        if (missing.Count > 0) throw new InvalidDataException(
            $"{output}: shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} of {n} wrote no index " +
            "(not run, or not finished): run them (finished videos are kept), then merge again.");
        var parts = shards.OrderBy(s => s.K)
            .Select(s => JsonSerializer.Deserialize<Contents>(File.ReadAllText(s.File), JsonDefaults.Indented)
                ?? throw new InvalidDataException($"{s.File}: not an index.")).ToList();
        var videos = parts.SelectMany(p => p.Videos).DistinctBy(v => v.Output).ToList();
        var outputs = parts.Select(p => p.Outputs).Distinct().ToList();
        var merged = new Contents(parts[0].Data, 1, 1, string.Join(" | ", outputs), videos);
        AtomicFile.WriteAllText(Path.Combine(output, "index.json"),
            JsonSerializer.Serialize(merged, JsonDefaults.Indented));
        WritePage(Path.Combine(output, "index.html"), output,
            $"Grad-CAM explanations of {merged.Data} ({n} shard{(n > 1 ? "s" : "")} merged)", merged);
        return merged;
    }

    /// <summary>The page: a row per video, linking to its page (else its video, else its JSON), with its thumbnail
    /// when one was written.</summary>
    static void WritePage(string path, string output, string title, Contents contents)
    {
        var rows = contents.Videos.Select(v =>
        {
            var stem = v.Output.Replace(Path.DirectorySeparatorChar, '/');
            var full = Path.Combine(output, v.Output);
            var page = new[] { ".html", ".mp4", ".json" }.FirstOrDefault(x => File.Exists(full + x)) ?? ".json";
            return new ExplanationIndexPage.Row(Path.GetFileName(v.Video), v.Class, v.Predicted, v.Target,
                v.TargetProbability, stem + page, File.Exists(full + ".png") ? stem + ".png" : null);
        }).ToList();
        var note = contents.Outputs.Contains("html") ? null
            : $"Written per video: {contents.Outputs} (no pages: rows open each video's " +
              $"{(contents.Outputs.Contains("mp4") ? "MP4" : "JSON")}; explain --outputs all writes them).";
        ExplanationIndexPage.Write(path, title, rows, note);
    }

    static string Relative(string output, string stem) => Path.GetRelativePath(output, stem);

    static string Between(string s, string start, string end)
    {
        int i = s.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return "";
        i += start.Length;
        int j = s.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? "" : s[i..j];
    }

    [GeneratedRegex(@"^index-(\d+)-of-(\d+)\.json$")]
    private static partial Regex ShardName();
}
