using VideoGradCam.Cam.Metrics;
using VideoGradCam.Odometry.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry;

/// <summary>
/// The model-parameter randomisation test (Adebayo et al. 2018, "Sanity checks for saliency maps") for the regression
/// maps: the same snippets explained by a copy of SfMLearner whose PoseNet is re-initialised at once, every layer
/// (full, not cascading: the maps are read inside the PoseNet), with a fixed seed and the network's own initialisation
/// (Xavier-uniform weights, zero biases); the DepthNet keeps its trained weights. A map that depends on what the
/// PoseNet learnt must change: the Spearman rank correlation between the trained and the randomised map of each snippet
/// should be far from 1. The model given is never touched: the randomised one is a copy.
/// </summary>
public static class PoseNetRandomisation
{
    /// <summary>The check passes when the mean |ρ| over the snippets stays below this: the maps share less than a
    /// moderate ranking with the trained model's (ModelRandomisation's threshold for the classifiers, there on ρ
    /// itself).</summary>
    public const double Threshold = 0.5;

    /// <summary>The seed of the re-initialisation.</summary>
    public const int DefaultSeed = 2018;

    /// <summary>A copy of <paramref name="model"/> (settings and both networks' weights) whose PoseNet is
    /// re-initialised from <paramref name="seed"/>: every conv weight Xavier-uniform (bound √(6 / (fan_in + fan_out))),
    /// every bias zero. The caller disposes it.</summary>
    public static SfmLearner RandomisedCopy(SfmLearner model, int seed = DefaultSeed)
    {
        var copy = new SfmLearner(model.Settings);
        try
        {
            using var _ = no_grad();
            Copy(model.DepthNet, copy.DepthNet);
            Copy(model.PoseNet, copy.PoseNet);
            using var generator = new Generator((ulong)seed);
            foreach (var (_, p) in copy.PoseNet.named_parameters())
            {
                if (p.dim() < 2) { p.zero_(); continue; }                                            // biases
                long receptive = p.shape.Skip(2).Aggregate(1L, (a, b) => a * b);
                double fanIn = p.shape[1] * receptive, fanOut = p.shape[0] * receptive;
                double bound = Math.Sqrt(6 / (fanIn + fanOut));
                p.uniform_(-bound, bound, generator);
            }
            copy.Train(false);
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Spearman ρ between each trained map and the randomised model's map of the same snippet: trained and
    /// randomised [N,H,W] -> N values (0 where either map is constant: nothing ranked, nothing shared).</summary>
    public static double[] RankCorrelations(Tensor trained, Tensor randomised)
    {
        if (!trained.shape.SequenceEqual(randomised.shape))
            throw new ArgumentException(
                $"Trained maps [{string.Join(",", trained.shape)}] and randomised maps " +
                $"[{string.Join(",", randomised.shape)}] differ in shape.");
        using var a = trained.to(ScalarType.Float64).cpu().flatten(1).contiguous();
        using var b = randomised.to(ScalarType.Float64).cpu().flatten(1).contiguous();
        int n = (int)a.shape[0], size = (int)a.shape[1];
        var x = a.data<double>().ToArray();
        var y = b.data<double>().ToArray();
        return Enumerable.Range(0, n)
            .Select(i => Ranks.Spearman(x[(i * size)..((i + 1) * size)], y[(i * size)..((i + 1) * size)])).ToArray();
    }

    static void Copy(nn.Module from, nn.Module to)
    {
        var source = from.state_dict();
        foreach (var (key, t) in to.state_dict())
        {
            if (!source.TryGetValue(key, out var s) || !s.shape.SequenceEqual(t.shape))
                throw new InvalidOperationException(
                    $"Cannot copy {from.GetType().Name}: '{key}' is missing or has another shape in the original.");
            t.copy_(s);
        }
    }
}
