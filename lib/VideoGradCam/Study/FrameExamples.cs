using TorchSharp;
using VideoGradCam.Runtime;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>
/// Single frames of the synthetic action set, for an image classifier small enough to read (the Grad-CAM-by-hand
/// notebook): every sampled frame inside a clip's action window, with its class and its evidence mask. Frames of the
/// training clips train; frames of the test clips (<see cref="ClassifierStudy.Split"/>) are held out.
/// </summary>
/// <param name="Frames">[N,3,S,S] RGB in [0,1] (no normalisation, so the frames are also what is shown).</param>
/// <param name="Labels">[N] class indices into <paramref name="ClassNames"/>.</param>
/// <param name="Masks">[N,S,S]: 1 inside the class evidence of each frame.</param>
/// <param name="Train">how many of the N frames (the first ones) come from training clips; the rest are held
/// out.</param>
public sealed record FrameExamples(Tensor Frames, Tensor Labels, Tensor Masks, IReadOnlyList<string> ClassNames,
    int Train) : IDisposable
{
    /// <summary>The frames of the classes <paramref name="classes"/> in <paramref name="dataRoot"/> (a folder with
    /// annotations, e.g. <c>studyData.EnsureActions(profile)</c>), resized to <paramref name="size"/> pixels.</summary>
    public static FrameExamples Load(string dataRoot, IReadOnlyList<string> classes, int size = 64, int frames = 8)
    {
        var split = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot, classes));
        var options = new FrameSamplerOptions
        {
            Frames = frames, ResizeShorterSide = size, CropSize = size, Normalization = Normalization.None,
        };
        var (x, y, m) = (new List<Tensor>(), new List<long>(), new List<Tensor>());
        int train = 0;
        foreach (var (items, isTrain) in new[] { (split.Train.Items, true), (split.Test.Items, false) })
            foreach (var item in items)
            {
                if (!ClipAnnotation.ExistsFor(item.Path))
                    throw new InvalidDataException($"{item.Path}: no annotation beside it; frames need masks.");
                using var clip = FrameSampler.Sample(item.Path, options);
                var annotation = ClipAnnotation.ForVideo(item.Path);
                var relevant = annotation.RelevanceAt(clip.FrameIndices);
                using var masks = annotation.MasksFor(clip);                                   // [T,S,S]
                for (int t = 0; t < clip.T; t++)
                {
                    if (!relevant[t]) continue;
                    x.Add(clip.Frames[.., t].clone());                                         // [3,T,S,S] -> [3,S,S]
                    m.Add(masks[t].clone());
                    y.Add(item.Label);
                    if (isTrain) train++;
                }
            }
        if (x.Count == 0) throw new InvalidDataException($"{dataRoot}: no frame inside an action window.");
        var result = new FrameExamples(stack(x), tensor(y.ToArray()), stack(m), split.Train.ClassNames, train);
        foreach (var t in x.Concat(m)) t.Dispose();
        return result;
    }

    /// <summary>Trains <paramref name="model"/> (images [B,3,S,S] -> logits [B,K]) on the training frames with Adam
    /// and cross-entropy, seeded; returns its accuracy on the held-out frames. A non-finite loss is an error. The model
    /// is first prepared for this machine's convolutions (<see cref="ConvolutionGuard.Prepare{T}"/>).</summary>
    public double Fit(nn.Module<Tensor, Tensor> model, int epochs = 25, int batch = 32, double learningRate = 3e-3,
        int seed = Seeds.Default)
    {
        ConvolutionGuard.Prepare(model);
        var order = new Random(seed);
        using var optimizer = optim.Adam(model.parameters(), learningRate);
        model.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var shuffled = Enumerable.Range(0, Train).OrderBy(_ => order.Next()).ToArray();
            for (int start = 0; start < Train; start += batch)
            {
                using var scope = NewDisposeScope();
                var rows = tensor(shuffled.Skip(start).Take(batch).Select(i => (long)i).ToArray());
                var loss = nn.functional.cross_entropy(model.call(Frames[rows]), Labels[rows]);
                if (!double.IsFinite(loss.item<float>()))
                    throw new ArithmeticException($"Training the frame classifier: the loss is not finite (epoch " +
                                                  $"{epoch + 1}).");
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        model.eval();
        return Accuracy(model);
    }

    /// <summary>The share of held-out frames <paramref name="model"/> classifies right.</summary>
    public double Accuracy(nn.Module<Tensor, Tensor> model)
    {
        if (Frames.shape[0] == Train) return double.NaN;
        ConvolutionGuard.Prepare(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var heldOut = arange(Train, Frames.shape[0]);
        var predicted = model.call(Frames[heldOut]).argmax(1);
        return predicted.eq(Labels[heldOut]).to(float64).mean().item<double>();
    }

    /// <summary>Held-out frame <paramref name="k"/> (0-based among the held-out ones) of class
    /// <paramref name="className"/>, as a batch of one [1,3,S,S], with its mask [S,S].</summary>
    public (Tensor Image, Tensor Mask) HeldOut(string className, int k = 0)
    {
        int label = ClassNames.ToList().IndexOf(className);
        if (label < 0) throw new ArgumentException($"No class '{className}': {string.Join(", ", ClassNames)}.");
        var labels = Labels.data<long>().ToArray();
        var rows = Enumerable.Range(Train, labels.Length - Train).Where(i => labels[i] == label).ToList();
        if (k >= rows.Count) throw new ArgumentException($"{rows.Count} held-out frames of '{className}'; asked #{k}.");
        return (Frames[rows[k]].unsqueeze(0), Masks[rows[k]]);
    }

    public void Dispose()
    {
        Frames.Dispose();
        Labels.Dispose();
        Masks.Dispose();
    }
}
