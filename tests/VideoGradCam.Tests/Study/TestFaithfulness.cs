using VideoGradCam.Odometry;
using VideoGradCam.Study;

namespace VideoGradCam.Tests.Study;

/// <summary>Odometry faithfulness measurements with chosen numbers, for the claim's rules.</summary>
static class TestFaithfulness
{
    /// <param name="ratios">per snippet with a map: the loss-rise ratio against random pixels.</param>
    /// <param name="randomMap">... against the random layer-resolution map (default: the same as
    /// <paramref name="ratios"/>).</param>
    /// <param name="rho">every snippet's sanity ρ (trained vs randomised PoseNet).</param>
    /// <param name="flat">snippets with a flat map, added after.</param>
    public static OdometryFaithfulness Of(IReadOnlyList<double> ratios, IReadOnlyList<double>? randomMap = null,
        double rho = 0.1, int flat = 0,
        double flowTz = 1.6, double flowRy = 1.2)
    {
        var snippets =
            ratios.Select((r, i) => new SnippetFaithfulness("02", 2 + i, Result(r, randomMap?[i] ?? r), false, rho,
            [new DofFlowEnergy("tz", -1, flowTz, flowTz + 0.1, false),
                new DofFlowEnergy("ry", 1, flowRy, flowRy - 0.1, false)])).ToList();
        snippets.AddRange(Enumerable.Range(0, flat)
            .Select(i => new SnippetFaithfulness("02", 200 + i, Result(double.NaN, double.NaN), true)));
        var mean = ratios.DefaultIfEmpty(double.NaN).Average();
        return new OdometryFaithfulness("pose.conv3", 0.1, snippets, new MeanRatios(mean, mean, flat),
            Cells: new LayerCells(Height: 5, Width: 16), HeldOutSnippets: snippets.Count, DofLayer: "pose.conv3",
            Seconds: 1);
    }

    /// <summary>A check whose base loss is 1 and whose controls each raise the loss by 0.1: the ratios are the salient
    /// rise / 0.1.</summary>
    static FaithfulnessResult Result(double ratio, double randomMap)
    {
        double salient = 1 + 0.1 * ratio;
        return new FaithfulnessResult(new MaskedLosses(1, salient, 1.1, 1.1, 1 + 0.1 * ratio / randomMap), 512, ratio,
            ratio, randomMap);
    }
}
