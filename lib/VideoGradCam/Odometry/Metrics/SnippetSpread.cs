using System.Globalization;

namespace VideoGradCam.Odometry.Metrics;

/// <summary>A number measured once per snippet, summarised: mean, sample standard deviation (n − 1), median and n, over
/// the snippets where it is finite (a NaN, e.g. the ratio of a flat map, is left out, never counted as 0). Above: how
/// many exceed 1 (a ratio against a control: the snippets where the map beats it). The median is there because a ratio
/// of two loss rises explodes when its control barely moves the loss: one such snippet can swing the mean and the
/// sd.</summary>
public sealed record SnippetSpread(double Mean, double Sd, int N, int Above, double Median = double.NaN)
{
    public static SnippetSpread Of(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return new SnippetSpread(double.NaN, double.NaN, 0, 0);
        double mean = v.Average();
        double sd = v.Count < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        var sorted = v.Order().ToList();
        double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return new SnippetSpread(mean, sd, v.Count, v.Count(x => x > 1), median);
    }

    /// <summary>"1.23 ± 0.45 (median 1.10, n = 24)"; "—" when nothing was measured.</summary>
    public string Format(string format = "0.00") => N == 0 ? "—"
        : N == 1 ? $"{Mean.ToString(format, CultureInfo.CurrentCulture)} (n = 1)"
        : $"{Mean.ToString(format, CultureInfo.CurrentCulture)} ± {Sd.ToString(format, CultureInfo.CurrentCulture)} " +
          $"(median {Median.ToString(format, CultureInfo.CurrentCulture)}, n = {N})";
}
