namespace VideoGradCam.Training;

/// <summary>How well temporal attention finds the frames that matter.</summary>
public static class AttentionMetrics
{
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
    public static double MeanRelevantShare(IEnumerable<(IReadOnlyList<double> Attention, IReadOnlyList<bool> Relevant)> clips)
    {
        var shares = clips.Select(c => RelevantShare(c.Attention, c.Relevant)).ToList();
        return shares.Count == 0 ? double.NaN : shares.Average();
    }
}
