namespace VideoGradCam.Cam.Metrics;

/// <summary>Area under the ROC curve as the Mann-Whitney U statistic: P(score of a positive &gt; score of a negative),
/// ties counting one half (average ranks). NaN when there are no positives or no negatives.</summary>
public static class RocAuc
{
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        if (scores.Count != labels.Count) throw new ArgumentException(
            $"{scores.Count} scores but {labels.Count} labels.");
        int positives = labels.Count(l => l), negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        var ranks = Ranks.Average(scores);
        double positiveRankSum = 0;
        for (int i = 0; i < ranks.Length; i++) if (labels[i]) positiveRankSum += ranks[i];
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }
}

/// <summary>Ranks with ties sharing their average rank (1-based), and Pearson's and Spearman's rank
/// correlations.</summary>
public static class Ranks
{
    public static double[] Average(IReadOnlyList<double> values)
    {
        var sorted = values.ToArray();
        var order = Enumerable.Range(0, sorted.Length).ToArray();
        Array.Sort(sorted, order);                       // ties get one rank whatever their order
        var ranks = new double[sorted.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && sorted[j + 1] == sorted[i]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary><see cref="Spearman"/> of each row of <paramref name="a"/> with the same row of
    /// <paramref name="b"/> (both <c>[N,M]</c> float32), the rows in parallel.</summary>
    public static double[] SpearmanRows(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dim() != 2)
            throw new ArgumentException($"[N,M] and [N,M]; got [{string.Join(",", a.shape)}] and " +
                $"[{string.Join(",", b.shape)}].");
        int n = (int)a.shape[0], m = (int)a.shape[1];
        float[] Values(TorchSharp.torch.Tensor t)
        {
            using var c = t.to(TorchSharp.torch.ScalarType.Float32).cpu().contiguous();
            return c.data<float>().ToArray();
        }
        var (va, vb) = (Values(a), Values(b));
        var rho = new double[n];
        Parallel.For(0, n, i => rho[i] = Pearson(Average(va.AsSpan(i * m, m)), Average(vb.AsSpan(i * m, m))) ?? 0);
        return rho;
    }

    /// <summary><see cref="Average(IReadOnlyList{double})"/> of float32 values (every float32 is a double: the same
    /// ties, the same ranks).</summary>
    static double[] Average(ReadOnlySpan<float> values)
    {
        var sorted = values.ToArray();
        var order = new int[sorted.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(sorted, order);
        var ranks = new double[sorted.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && sorted[j + 1] == sorted[i]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Pearson correlation of the average ranks. 0 when either side is constant (no ranking to agree
    /// with).</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} vs {b.Count} values.");
        return Pearson(Average(a), Average(b)) ?? 0;
    }

    /// <summary>Pearson correlation; null when either side's standard deviation is at most
    /// <paramref name="constantBelow"/> (a constant has nothing to correlate with).</summary>
    public static double? Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b, double constantBelow = 0)
    {
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} vs {b.Count} values.");
        if (a.Count == 0) return null;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db; saa += da * da; sbb += db * db;
        }
        // compares the variances' sums: sd ≤ limit ⇔ Σd² ≤ n·limit²
        double limit = constantBelow * constantBelow * a.Count;
        return saa <= limit || sbb <= limit ? null : sab / Math.Sqrt(saa * sbb);
    }
}
