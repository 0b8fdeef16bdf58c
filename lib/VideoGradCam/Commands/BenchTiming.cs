using System.Diagnostics;

namespace VideoGradCam.Commands;

/// <summary>The benchmarks' one way to time: the median of repeated runs, robust to bursts of load from other
/// processes.</summary>
public static class BenchTiming
{
    /// <summary>The median wall time of <paramref name="repeats"/> runs of <paramref name="run"/>, in
    /// seconds.</summary>
    public static double MedianSeconds(int repeats, Action run)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), "At least one run is needed.");
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }
}
