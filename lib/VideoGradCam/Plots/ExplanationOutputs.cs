namespace VideoGradCam.Plots;

/// <summary>What <c>explain</c> writes for each video (<c>--outputs</c>): <c>NAME.json</c> (the record: target,
/// prediction, per-frame importance, outputs), <c>NAME.png</c> (the thumbnail), <c>NAME.mp4</c> (the overlaid clip) and
/// <c>NAME.html</c> (figure, video player, overlay strip). The JSON is always written: it is what a resumed run and
/// <c>explain --merge</c> read back.</summary>
[Flags]
public enum ExplanationOutputs
{
    /// <summary>Nothing written (what a benchmark's floor measures).</summary>
    None = 0,
    Json = 1,
    Png = 2,
    Mp4 = 4,
    Html = 8,
    All = Json | Png | Mp4 | Html,
}

/// <summary>The <c>--outputs</c> list: names, parsing, and the files a choice writes.</summary>
public static class ExplanationOutputChoice
{
    static readonly (string Name, ExplanationOutputs Output)[] Known =
        [("json", ExplanationOutputs.Json), ("png", ExplanationOutputs.Png), ("mp4", ExplanationOutputs.Mp4),
            ("html", ExplanationOutputs.Html)];

    /// <summary>The names, comma-separated, as <c>--outputs</c> takes them.</summary>
    public static string Names => string.Join(",", Known.Select(k => k.Name));

    /// <summary>A comma list (e.g. <c>json,png</c>, or <c>all</c>) -> the outputs; JSON is always included.
    /// ArgumentException names an unknown entry.</summary>
    public static ExplanationOutputs Parse(string list)
    {
        var chosen = ExplanationOutputs.Json;
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase)) { chosen = ExplanationOutputs.All; continue; }
            var match = Known.Where(k => k.Name.Equals(part, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 0) throw new ArgumentException(
                $"--outputs {list}: '{part}' is not an output; choose from {Names} (comma-separated) or all.");
            chosen |= match[0].Output;
        }
        return chosen;
    }

    /// <summary>The outputs as a comma list, e.g. <c>json,png</c>.</summary>
    public static string Describe(ExplanationOutputs outputs) =>
        string.Join(",", Known.Where(k => outputs.HasFlag(k.Output)).Select(k => k.Name));

    /// <summary>The file extensions written for each video (".json" last: it marks the video done).</summary>
    public static IReadOnlyList<string> Extensions(ExplanationOutputs outputs) =>
        Known.Where(k => k.Output != ExplanationOutputs.Json && outputs.HasFlag(k.Output)).Select(k => "." + k.Name)
            .Concat(outputs.HasFlag(ExplanationOutputs.Json) ? [".json"] : []).ToList();
}
