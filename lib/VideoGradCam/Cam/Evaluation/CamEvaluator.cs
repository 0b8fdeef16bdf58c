using TorchSharp;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>
/// Measures CAM methods on a video classifier against ground truth (evidence masks and relevant frames, where the clips
/// have annotations): every metric of <see cref="CamMetrics"/> for every method, plus accuracy, the attention weights
/// and the chance levels. The caller loads the model and chooses the clips (the study: a checkpoint's test split).
/// </summary>
public static class CamEvaluator
{
    /// <param name="checkpoint">where the model came from, recorded in the result.</param>
    /// <param name="items">the clips to measure on (a split of a data set), at most
    /// <see cref="CamEvaluationOptions.MaxClips"/> used.</param>
    /// <param name="sampler">how clips are sampled for this model (frames, size, normalisation).</param>
    public static CamEvaluation Evaluate(VideoClassifier model, string checkpoint, IReadOnlyList<string> classNames,
        IReadOnlyList<VideoItem> items, FrameSamplerOptions sampler, CamEvaluationOptions options)
    {
        items = items.Take(options.MaxClips ?? int.MaxValue).ToList();
        if (items.Count == 0) throw new InvalidDataException($"No clips to evaluate in the '{options.Split}' split.");
        model.to(ComputeDevice.Default);
        model.eval();
        string layer = options.Layer ?? model.DefaultCamLayer;
        var methods = options.Methods.Select(
            m => (m.Method, Weighting: m.Weighting ?? new CamSettings().WeightingFor(model))).Distinct().ToList();

        // Clips, masks and relevance stay in memory: the synthetic test split is small. A real set without annotations
        // has neither masks nor relevant frames: only the metrics that need no ground truth are measured.
        bool groundTruth = items.All(i => ClipAnnotation.ExistsFor(i.Path));
        var clips = new List<Tensor>(); var masks = new List<Tensor>(); var relevance = new List<bool[]>();
        foreach (var item in Progress.Over(items, "loading clips"))
        {
            using var clip = FrameSampler.Sample(item.Path, sampler, label: item.Label);
            clips.Add(clip.Frames.clone());
            if (!groundTruth) continue;
            var annotation = ClipAnnotation.ForVideo(item.Path);
            masks.Add(annotation.MasksFor(clip));
            relevance.Add(annotation.RelevanceAt(clip.FrameIndices));
        }
        var labels = items.Select(i => i.Label).ToArray();

        // Predictions, the "other" class (most probable wrong one) and attention, without gradients.
        var predicted = new int[items.Count]; var other = new int[items.Count];
        var attentionRows = new List<double[]>();
        using (no_grad())
            for (int s = 0; s < items.Count; s += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = stack(clips.Skip(s).Take(options.BatchSize)).to(ComputeDevice.Default);
                var f = model.Outputs(batch);
                var logits = f.Logits.cpu();
                for (int b = 0; b < logits.shape[0]; b++)
                {
                    predicted[s + b] = (int)logits[b].argmax().item<long>();
                    var masked = logits[b].clone();
                    masked[labels[s + b]] = float.NegativeInfinity;
                    other[s + b] = (int)masked.argmax().item<long>();
                }
                if (f.Attention is not null)
                    attentionRows.AddRange(Enumerable.Range(0, (int)f.Attention.shape[0])
                        .Select(b => f.Attention[b].cpu().to(float64).data<double>().ToArray()));
            }

        var runs = methods.Select(m => new CamRun(model, new CamEngine(model.AsCamModel(), m.Method, m.Weighting),
            layer, options, clips, labels, relevance)).ToList();
        var scores = Score(runs, masks, other);

        AttentionScores? attention = null;
        if (attentionRows.Count > 0 && groundTruth)
        {
            using var a = tensor(attentionRows.SelectMany(r => r).ToArray())
                .reshape(attentionRows.Count, attentionRows[0].Length);
            using var r = tensor(relevance.SelectMany(x => x).ToArray()).reshape(relevance.Count, relevance[0].Length);
            var agreement = AttentionAgreement.Evaluate(a, r);
            attention = new AttentionScores(agreement.MassOnRelevant, agreement.ChanceMass, agreement.Auc.Mean);
        }
        double maskArea = double.NaN, pointingChance = double.NaN;
        if (groundTruth)
        {
            using var all = stack(masks).to(float32);
            maskArea = MaskArea(all, relevance);
            using var dilated =
                PointingGame.Dilate(all.flatten(0, 1), PointingGame.DefaultTolerance).reshape(all.shape).to(float32);
            pointingChance = MaskArea(dilated, relevance);
        }
        var data = new EvaluatedClips(options.Split, items.Count,
            predicted.Zip(labels).Count(p => p.First == p.Second) / (double)items.Count,
            items.Select(i => i.Path).ToArray(), labels.Select(l => classNames[l]).ToArray(),
            predicted.Select(p => classNames[p]).ToArray(), relevance.ToArray(), groundTruth);
        var result = new CamEvaluation(checkpoint, model.Architecture, layer, data,
            new ChanceLevels(maskArea, pointingChance), scores, attention,
            attentionRows.Count > 0 ? attentionRows.ToArray() : null);
        foreach (var t in clips.Concat(masks)) t.Dispose();
        return result;
    }

    /// <summary>Every method at once: explain each batch for the true and the other class (one forward pass, and one
    /// backward pass per class, shared by the methods: they differ only in their channel weights), hand each method's
    /// maps to its own metrics, collect their named values.</summary>
    static List<MethodScores> Score(IReadOnlyList<CamRun> runs, List<Tensor> masks, int[] other)
    {
        var first = runs[0];
        var configs = runs.Select(r => (r.Engine.Method, r.Engine.Weighting)).ToList();
        var metrics = runs.Select(_ => CamMetrics.All.Select(make => make()).ToList()).ToList();
        var importance = runs.Select(_ => new List<double[]>()).ToList();
        var clips = first.Clips;
        using var progress = new Progress($"evaluate-cam {first.Model.Architecture}", clips.Count);
        for (int s = 0; s < clips.Count; s += first.Options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(first.Options.BatchSize, clips.Count - s);
            var batch = stack(clips.Skip(s).Take(n)).to(ComputeDevice.Default);
            var truth = masks.Count == 0 ? null : Truth(stack(masks.Skip(s).Take(n)),
                tensor(first.Relevance.Skip(s).Take(n).SelectMany(r => r).ToArray()).reshape(n, -1));
            var trueClass = Enumerable.Range(s, n).Select(i => (ICamTarget)new ClassTarget(first.Labels[i])).ToList();
            var otherClass = Enumerable.Range(s, n).Select(i => (ICamTarget)new ClassTarget(other[i])).ToList();
            var explained = first.Engine.ExplainEach(batch, [trueClass, otherClass], first.Layer, configs);
            var (results, otherResults) = (explained[0], explained[1]);
            for (int m = 0; m < runs.Count; m++)
            {
                var frameImportance = Rows(results[m].FrameImportance);
                importance[m].AddRange(frameImportance);
                var camBatch = new CamBatch(runs[m], s, n, batch, results[m].Maps.cpu(), otherResults[m].Maps.cpu(),
                    truth, new FrameImportance(frameImportance, Rows(results[m].GradientImportance)));
                foreach (var metric in metrics[m]) metric.Add(camBatch);
            }
            foreach (var r in results.Concat(otherResults)) r.Dispose();
            progress.Advance($"{s + n} of {clips.Count} clips", steps: n);
        }
        var scores = new List<MethodScores>();
        for (int m = 0; m < runs.Count; m++)
        {
            var values = new Dictionary<string, double>();
            foreach (var metric in metrics[m])
                foreach (var (name, value) in metric.Result(runs[m])) values[name] = value;
            scores.Add(new MethodScores(configs[m].Method.ToString(), configs[m].Weighting.ToString(), values,
                importance[m].ToArray()));
        }
        return scores;
    }

    static GroundTruth Truth(Tensor masks, Tensor relevant) => new(masks, relevant,
        PointingGame.Dilate(masks.flatten(0, 1), PointingGame.DefaultTolerance).reshape(masks.shape));

    static List<double[]> Rows(Tensor t)
    {
        var c = t.detach().cpu().to(float64);
        return Enumerable.Range(0, (int)c.shape[0]).Select(b => c[b].data<double>().ToArray()).ToList();
    }

    /// <summary>Mean share of a relevant frame covered by the evidence mask: what a uniform map would score in
    /// energy.</summary>
    static double MaskArea(Tensor masks, List<bool[]> relevance)
    {
        var shares = new List<double>();
        for (int b = 0; b < masks.shape[0]; b++)
            for (int t = 0; t < masks.shape[1]; t++)
            {
                var area = masks[b, t].mean().item<float>();
                if (relevance[b][t] && area > 0) shares.Add(area);
            }
        return shares.Count == 0 ? double.NaN : shares.Average();
    }
}
