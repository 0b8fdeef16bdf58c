using static TorchSharp.torch;

namespace VideoGradCam.Cam.Metrics;

/// <summary>Per-clip ROC AUCs (NaN for clips whose frames are all relevant or all irrelevant) and their mean over the
/// rest.</summary>
public sealed record AucResult(double[] PerClip, double Mean, int Clips);

/// <summary>How well per-frame importance [B,T] ranks the ground-truth relevant frames [B,T]: ROC AUC per clip (ties
/// handled).</summary>
public static class TemporalRelevance
{
    public static AucResult Evaluate(Tensor importance, Tensor relevance)
    {
        var (scores, labels) = Rows(importance, relevance);
        var auc = scores.Select((s, b) => RocAuc.Compute(s, labels[b])).ToArray();
        var valid = auc.Where(a => !double.IsNaN(a)).ToArray();
        return new AucResult(auc, valid.Length == 0 ? double.NaN : valid.Average(), valid.Length);
    }

    internal static (double[][] Scores, bool[][] Labels) Rows(Tensor scores, Tensor relevance)
    {
        if (scores.dim() != 2 || !scores.shape.SequenceEqual(relevance.shape))
            throw new ArgumentException(
                $"Scores [{string.Join(",", scores.shape)}] and relevance [{string.Join(",", relevance.shape)}] must " +
                "both be [B,T].");
        using var s = scores.detach().to(ScalarType.Float64).cpu();
        using var r = relevance.to(ScalarType.Float64).cpu();
        var sv = s.data<double>().ToArray();
        var rv = r.data<double>().ToArray();
        int b = (int)scores.shape[0], t = (int)scores.shape[1];
        return (Enumerable.Range(0, b).Select(i => sv[(i * t)..((i + 1) * t)]).ToArray(),
                Enumerable.Range(0, b).Select(i => rv[(i * t)..((i + 1) * t)].Select(v => v > 0.5).ToArray())
                    .ToArray());
    }
}

/// <summary>Attention vs ground truth: the attention mass on relevant frames (chance = the share of relevant frames),
/// and the ROC AUC of attention weights against relevance.</summary>
public static class AttentionAgreement
{
    public sealed record Result(double MassOnRelevant, double ChanceMass, AucResult Auc);

    /// <param name="attention">[B,T]</param><param name="relevance">[B,T] bool</param>
    public static Result Evaluate(Tensor attention, Tensor relevance)
    {
        var (scores, labels) = TemporalRelevance.Rows(attention, relevance);
        var mass = new List<double>();
        var chance = new List<double>();
        for (int b = 0; b < scores.Length; b++)
        {
            if (scores[b].Sum() <= 0 || !labels[b].Any(l => l)) continue;
            mass.Add(RelevantShare(scores[b], labels[b]));
            chance.Add((double)labels[b].Count(l => l) / labels[b].Length);
        }
        return new Result(mass.Count == 0 ? double.NaN : mass.Average(), chance.Count == 0 ? double.NaN
            : chance.Average(),
            TemporalRelevance.Evaluate(attention, relevance));
    }

    /// <summary>The share of attention mass on the ground-truth relevant frames: Σ_{t relevant} a_t / Σ_t a_t.
    /// Uniform attention scores (relevant frames) / T.</summary>
    public static double RelevantShare(IReadOnlyList<double> attention, IReadOnlyList<bool> relevant)
    {
        if (attention.Count != relevant.Count)
            throw new ArgumentException($"{attention.Count} attention weights but {relevant.Count} relevance flags.");
        double total = attention.Sum();
        if (total <= 0) throw new ArgumentException("Attention weights sum to zero.");
        return attention.Where((_, t) => relevant[t]).Sum() / total;
    }

    /// <summary>The mean of <see cref="RelevantShare"/> over clips.</summary>
    public static double MeanRelevantShare(
        IEnumerable<(IReadOnlyList<double> Attention, IReadOnlyList<bool> Relevant)> clips)
    {
        var shares = clips.Select(c => RelevantShare(c.Attention, c.Relevant)).ToList();
        return shares.Count == 0 ? double.NaN : shares.Average();
    }
}
