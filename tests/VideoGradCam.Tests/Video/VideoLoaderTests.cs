using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Video;

public class VideoLoaderTests(SmallSyntheticSet set) : IClassFixture<SmallSyntheticSet>
{
    static readonly FrameSamplerOptions Small = new() { Frames = 4, ResizeShorterSide = 24, CropSize = 16 };

    [Fact]
    public void LoaderYieldsEveryClipOnceInBatchesOfClipsAndLabels()
    {
        var data = VideoDataset.FromFolders(set.Folder);
        var loader = new VideoLoader(data, Small, new LoaderOptions { BatchSize = 4, Prefetch = 2 });
        var labels = new List<long>();
        int batches = 0;
        foreach (var batch in loader.Batches(epoch: 0))
        {
            using (batch)
            {
                Assert.Equal(ScalarType.Float32, batch.Clips.dtype);
                Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
                Assert.Equal([batch.Labels.shape[0], 3L, 4, 16, 16], batch.Clips.shape);     // [B,C,T,H,W]
                labels.AddRange(batch.Labels.data<long>().ToArray());
                batches++;
            }
        }
        Assert.Equal(loader.BatchesPerEpoch, batches);
        Assert.Equal(data.Items.Select(i => (long)i.Label).Order(), labels.Order());
        Assert.Equal(SyntheticActions.ClassNames, loader.ClassNames);
    }

    [Fact]
    public void ShuffleDependsOnlyOnSeedAndEpoch()
    {
        var data = VideoDataset.FromFolders(set.Folder);
        var a = new VideoLoader(data, Small, new LoaderOptions { Seed = 1 });
        var b = new VideoLoader(data, Small, new LoaderOptions { Seed = 1 });
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.NotEqual(a.Order(3), a.Order(4));
        Assert.Equal(Enumerable.Range(0, data.Count),
            new VideoLoader(data, Small, new LoaderOptions { Shuffle = false }).Order(5));
    }

    [Fact]
    public void PrefetchedBatchesEqualBatchesDecodedInline()
    {
        var data = VideoDataset.FromFolders(set.Folder);
        var options = new LoaderOptions { BatchSize = 3, RandomFlip = true, RandomCrop = true, Seed = 4 };
        var inline = new VideoLoader(data, Small, options with { Prefetch = 0 }).Batches(1).Take(2).ToList();
        var ahead = new VideoLoader(data, Small, options with { Prefetch = 2 }).Batches(1).Take(2).ToList();
        for (int i = 0; i < 2; i++)
        {
            Assert.True(inline[i].Clips.allclose(ahead[i].Clips));
            Assert.Equal(inline[i].Labels.data<long>().ToArray(), ahead[i].Labels.data<long>().ToArray());
            inline[i].Dispose(); ahead[i].Dispose();
        }
    }

    [Fact]
    public void FlipAugmentationMirrorsEveryFrame()
    {
        var video = Path.Combine(set.Folder, "wave", "wave_0000.avi");
        using var plain = FrameSampler.Sample(video, Small);
        using var flipped = FrameSampler.Sample(video, Small with { FlipHorizontal = true });
        Assert.True(plain.Frames.flip(3).allclose(flipped.Frames));                         // [C,T,H,W], W is dim 3
        Assert.False(plain.Frames.allclose(flipped.Frames));
    }

    [Fact]
    public void LeavingAnEpochEarlyStopsTheProducer()
    {
        var data = VideoDataset.FromFolders(set.Folder);
        var loader = new VideoLoader(data, Small, new LoaderOptions { BatchSize = 2, Prefetch = 1 });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var batch in loader.Batches())
        {
            batch.Dispose();
            // the finally joins the producer
            break;
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ABrokenVideoFailsTheEpochWithItsPath()
    {
        var root = TestVideos.TempFolder("broken-loader");
        Directory.CreateDirectory(Path.Combine(root, "a"));
        TestVideos.Numbered(Path.Combine(root, "a"), 8, name: "good.avi");
        File.WriteAllText(Path.Combine(root, "a", "ugly.avi"), "not a video");
        var loader = new VideoLoader(VideoDataset.FromFolders(root), Small,
            new LoaderOptions { BatchSize = 1, Shuffle = false });
        var e = Assert.Throws<InvalidDataException>(() => { foreach (var b in loader.Batches()) b.Dispose(); });
        Assert.Contains("ugly.avi", e.Message);
    }
}
