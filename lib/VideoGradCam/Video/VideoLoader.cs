using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace VideoGradCam.Video;

/// <summary>Batching, shuffling, augmentation and prefetch of a <see cref="VideoLoader"/>.</summary>
public sealed record LoaderOptions
{
    public int BatchSize { get; init; } = 8;
    public bool Shuffle { get; init; } = true;
    /// <summary>Mirror each clip left-right with probability 1/2 (all its frames alike).</summary>
    public bool RandomFlip { get; init; }
    /// <summary>Take a random square crop instead of the centre one (the sampler's CropSize).</summary>
    public bool RandomCrop { get; init; }
    /// <summary>Batches decoded ahead by the background producer (0 = decode on the caller's thread).</summary>
    public int Prefetch { get; init; } = 2;
    public bool DropLast { get; init; }
    public int Seed { get; init; } = Runtime.Seeds.Default;
}

/// <summary>
/// Turns a <see cref="VideoDataset"/> into <see cref="VideoBatch"/>es: clips <c>[B,C,T,H,W]</c> (float32,
/// normalised) and labels <c>[B]</c> (int64). A bounded producer task decodes the next batches into managed
/// arrays while the caller trains; tensors are made on the caller's thread, so they belong to the caller's
/// dispose scope. Shuffling and augmentation depend only on (seed, epoch): an epoch can be replayed.
/// </summary>
public sealed class VideoLoader
{
    public VideoDataset Data { get; }
    public FrameSamplerOptions Sampler { get; }
    public LoaderOptions Options { get; }
    public IReadOnlyList<string> ClassNames => Data.ClassNames;

    public VideoLoader(VideoDataset data, FrameSamplerOptions sampler, LoaderOptions? options = null)
    {
        Data = data;
        Sampler = sampler with { Layout = ClipLayout.CTHW, ClipsPerVideo = 1 };
        Options = options ?? new LoaderOptions();
        if (Options.BatchSize < 1) throw new ArgumentException(
            $"BatchSize must be at least 1 (got {Options.BatchSize}).");
        Sampler.Validate();
    }

    public int BatchesPerEpoch => Options.DropLast ? Data.Count / Options.BatchSize
        : (Data.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The item order of one epoch (shuffled with seed and epoch when asked).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Data.Count).ToArray();
        if (Options.Shuffle) new Random(unchecked(Options.Seed * 31 + epoch)).Shuffle(order);
        return order;
    }

    sealed record Prepared(float[] Pixels, long[] Labels, long[] Shape);

    /// <summary>The batches of one epoch; dispose each batch (or create it inside a dispose scope).</summary>
    public IEnumerable<VideoBatch> Batches(int epoch = 0, CancellationToken cancel = default)
    {
        var order = Order(epoch);
        var groups =
            order.Chunk(Options.BatchSize).Where(g => !Options.DropLast || g.Length == Options.BatchSize).ToList();
        if (Options.Prefetch <= 0)
        {
            foreach (var g in groups) yield return ToBatch(Prepare(g, epoch));
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var queue = new BlockingCollection<Prepared>(Options.Prefetch);
        Exception? failure = null;
        var producer = Task.Run(() =>
        {
            try { foreach (var g in groups) queue.Add(Prepare(g, epoch), stop.Token); }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var p in queue.GetConsumingEnumerable(cancel)) yield return ToBatch(p);
            if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
        finally
        {
            stop.Cancel();            // the caller stopped early: let the producer finish its current batch and exit
            producer.Wait();
        }
    }

    static VideoBatch ToBatch(Prepared p) => new(tensor(p.Pixels, p.Shape), tensor(p.Labels));

    Prepared Prepare(int[] itemIndices, int epoch)
    {
        var clips = new SampledClip[itemIndices.Length];
        for (int b = 0; b < itemIndices.Length; b++)
        {
            int i = itemIndices[b];
            var rng = new Random(unchecked(Options.Seed * 7919 + epoch * 104729 + i));
            var o = Sampler with
            {
                FlipHorizontal = Options.RandomFlip && rng.Next(2) == 1,
                Crop = Options.RandomCrop ? CropMode.Random : Sampler.Crop,
                Seed = rng.Next(),
            };
            clips[b] = FrameSampler.SamplePixels(Data.Items[i].Path, o);
            if (b > 0 && !clips[b].Shape.SequenceEqual(clips[0].Shape))
                throw new InvalidDataException(
                    $"{Data.Items[i].Path}: clip shape [{string.Join(",", clips[b].Shape)}] differs from " +
                    $"[{string.Join(",", clips[0].Shape)}] of {Data.Items[itemIndices[0]].Path}; set " +
                    "ResizeShorterSide and CropSize so clips match.");
        }
        int per = clips[0].Pixels.Length;
        var pixels = new float[per * clips.Length];
        for (int b = 0; b < clips.Length; b++) Array.Copy(clips[b].Pixels, 0, pixels, b * per, per);
        long[] shape = [clips.Length, .. clips[0].Shape];                                 // [B,C,T,H,W]
        return new Prepared(pixels, itemIndices.Select(i => (long)Data.Items[i].Label).ToArray(), shape);
    }
}
