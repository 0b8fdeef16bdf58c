namespace VideoGradCam.Study.Pipeline;

/// <summary>The numbers a claim's rule reads, by name; <paramref name="Cases"/> holds one measurement per case
/// (e.g. per model) for rules that ask about every or some case.</summary>
public sealed record Measurement(IReadOnlyDictionary<string, double> Values, IReadOnlyList<Measurement>? Cases = null)
{
    /// <summary>The named number; a name the measurement lacks is a programming error.</summary>
    public double this[string name] => Values.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException($"The measurement has no value named '{name}'.");
}
