namespace VideoGradCam.Runtime;

/// <summary>
/// Picks the mode a machine runs its convolutions in, from <see cref="ConvolutionCheck"/> results: the fastest mode
/// whose every shape passed. oneDNN at the CPU's full instruction set (<see cref="ConvolutionMode.OneDnn"/>,
/// <see cref="ConvolutionMode.ChannelsLast"/>) is tried first; the slower fallbacks only when neither passes.
/// </summary>
public static class ConvolutionChooser
{
    public static readonly IReadOnlyList<ConvolutionMode> FirstChoices =
        [ConvolutionMode.OneDnn, ConvolutionMode.ChannelsLast];

    public static readonly IReadOnlyList<ConvolutionMode> Fallbacks =
        [ConvolutionMode.OneDnnAvx2, ConvolutionMode.OneDnnSse41, ConvolutionMode.OneDnnOff];

    /// <summary>Runs <paramref name="check"/> for the candidates (in a fresh process each, in practice) and returns the
    /// verdict. When no mode passes, the verdict is the mode with the fewest failures, marked as not passing.</summary>
    public static ConvolutionVerdict Choose(Func<ConvolutionMode, ConvolutionCheck.Result> check, string checkKey)
    {
        var results = FirstChoices.Select(check).ToList();
        if (!results.Any(r => r.Passed)) results.AddRange(Fallbacks.Select(check));
        var passing = results.Where(r => r.Passed).OrderBy(r => r.Seconds).ToList();
        var chosen = passing.FirstOrDefault()
            ?? results.OrderBy(r => r.Failures.Count()).ThenBy(r => r.Seconds).First();
        return new ConvolutionVerdict(chosen.Mode, chosen.Passed, Reason(chosen, results), checkKey,
            ConvolutionVerdict.MachineKey(), results.Select(ConvolutionVerdict.Candidate.Of).ToList());
    }

    /// <summary>One sentence: what was chosen and why, with the failures that ruled the others out.</summary>
    static string Reason(ConvolutionCheck.Result chosen, IReadOnlyList<ConvolutionCheck.Result> results)
    {
        string Failed(ConvolutionCheck.Result r) =>
            $"{r.Mode.Name()} failed {r.Failures.Count()} of {r.Shapes.Count} shapes (e.g. {r.Failures.First().Shape})";
        var others = results.Where(r => r != chosen).Select(r => r.Passed
            ? $"{r.Mode.Name()} passed in {r.Seconds / chosen.Seconds:0.00}x the time" : Failed(r));
        var head = chosen.Passed
            ? $"{chosen.Mode.Name()}: every one of {chosen.Shapes.Count} convolution shapes matched float64"
            : $"{chosen.Mode.Name()}, although no mode passed: {Failed(chosen)}";
        return $"{head}; {string.Join("; ", others)}";
    }
}
