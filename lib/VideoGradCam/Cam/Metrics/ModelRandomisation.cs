using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Metrics;

/// <summary>One cascading step: every layer from the top down to <paramref name="Layer"/> is randomised.</summary>
public sealed record RandomisationStep(string Layer, double Spearman, double AbsSpearman);

/// <summary>The cascade, top layer first. Passed when the rank correlation with the original maps has fallen below the
/// threshold once every layer is randomised.</summary>
public sealed record RandomisationResult(IReadOnlyList<RandomisationStep> Steps, double Threshold)
{
    public bool Passed => Steps.Count > 0 && Steps[^1].Spearman < Threshold;
}

/// <summary>
/// Model-parameter randomisation test (Adebayo et al. 2018, "Sanity checks for saliency maps"), cascading: the layers'
/// parameters are replaced by Gaussian noise (each with its original standard deviation, at least 0.01) from the top
/// layer down, re-explaining after each layer; the Spearman rank correlation between the original and the new maps
/// (per clip over T x H x W, averaged over clips; the absolute value too, as in the paper) must fall. An explanation
/// that survives randomisation explains the input, not the model. The parameters are restored afterwards, even on
/// error.
/// </summary>
public static class ModelRandomisation
{
    /// <param name="engine">the engine whose model is (or wraps) <paramref name="module"/>.</param>
    /// <param name="layers">module names top to bottom; default: every module owning parameters, in reverse
    /// registration order.</param>
    /// <param name="everyStep">false: explain only once every layer is randomised (one step, named after the last
    /// layer). Its parameters, and so its map, are those of the cascade's last step: each layer draws the same
    /// noise in the same order.</param>
    public static RandomisationResult Run(CamEngine engine, nn.Module module, Tensor input,
        IReadOnlyList<ICamTarget> targets,
        string layer, IReadOnlyList<string>? layers = null, int seed = 11, double threshold = 0.5,
        bool everyStep = true)
    {
        layers ??= LayersTopDown(module);
        var owned = module.named_modules().ToDictionary(m => m.name, m => m.module);
        var saved = module.named_parameters().Select(p => (p.parameter, copy: p.parameter.detach().clone())).ToList();
        var generator = new Generator((ulong)seed);
        try
        {
            using var original = engine.Explain(input, targets, layer);
            var reference = PerClip(original.Maps);
            var steps = new List<RandomisationStep>();
            for (int i = 0; i < layers.Count; i++)
            {
                var name = layers[i];
                if (!owned.TryGetValue(name, out var m)) throw new ArgumentException(
                    $"The model has no module '{name}'.");
                using (no_grad())
                    foreach (var (_, p) in m.named_parameters(recurse: false))
                    {
                        double std = p.numel() > 1 ? p.std().item<float>() : 0;
                        // normal_ takes plain doubles: no transient Scalar handles in the loop (one such handle failed
                        // natively, once, under load in "Expected false to be true" from Scalar::toDouble).
                        p.normal_(0, double.IsFinite(std) ? Math.Max(std, 0.01) : 0.01, generator);
                    }
                if (!everyStep && i < layers.Count - 1) continue;
                using var r = engine.Explain(input, targets, layer);
                var now = PerClip(r.Maps);
                var rho = reference.Select((c, b) => Ranks.Spearman(c, now[b])).ToArray();
                steps.Add(new RandomisationStep(name, rho.Average(), rho.Select(Math.Abs).Average()));
            }
            return new RandomisationResult(steps, threshold);
        }
        finally
        {
            using (no_grad())
                foreach (var (p, copy) in saved) { p.copy_(copy); copy.Dispose(); }
            generator.Dispose();
        }
    }

    /// <summary>Modules that own parameters directly, deepest-registered (the head) first.</summary>
    public static IReadOnlyList<string> LayersTopDown(nn.Module module) =>
        module.named_modules().Where(m => m.name.Length > 0 && m.module.named_parameters(recurse: false).Any())
            .Select(m => m.name).Reverse().ToList();

    static double[][] PerClip(Tensor maps)
    {
        using var m = maps.to(ScalarType.Float64).cpu().flatten(1);
        var all = m.data<double>().ToArray();
        int b = (int)m.shape[0], n = (int)m.shape[1];
        return Enumerable.Range(0, b).Select(i => all[(i * n)..((i + 1) * n)]).ToArray();
    }
}
