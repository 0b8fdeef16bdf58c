using System.Globalization;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// One number of the study measured once per training seed (<c>reproduce --seeds N</c>): its mean, sample standard
/// deviation (n - 1 in the denominator) and range. With one seed it is just that number.
/// </summary>
public sealed record SeedSpread(IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
    public double Mean => Values.Count == 0 ? double.NaN : Values.Average();

    /// <summary>Sample standard deviation; NaN with fewer than two seeds.</summary>
    public double Sd => Values.Count < 2 ? double.NaN
        : Math.Sqrt(Values.Sum(v => (v - Mean) * (v - Mean)) / (Values.Count - 1));
    public double Min => Values.Count == 0 ? double.NaN : Values.Min();
    public double Max => Values.Count == 0 ? double.NaN : Values.Max();

    /// <summary>"0.85" for one seed; "0.85 ± 0.03 (0.82–0.88)" (mean ± sd (min–max)) for several, or without the
    /// range.</summary>
    public string Format(string format, bool range = true)
    {
        if (Values.Count == 1) return Values[0].ToString(format, CultureInfo.CurrentCulture);
        var text =
            $"{Mean.ToString(format, CultureInfo.CurrentCulture)} ± {Sd.ToString(format, CultureInfo.CurrentCulture)}";
        return range
            ? $"{text} " +
              $"({Min.ToString(format, CultureInfo.CurrentCulture)}–{Max.ToString(format, CultureInfo.CurrentCulture)})"
            : text;
    }

    public static SeedSpread Of<T>(IEnumerable<T> seeds, Func<T, double> value) => new(seeds.Select(value).ToList());
}
