using OpenCvSharp;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Video;

/// <summary>A small generated set shared by the tests of one class (2 clips per class, 8 frames of 32x32).</summary>
public sealed class SmallSyntheticSet
{
    public static readonly SyntheticActionSettings Settings =
        new() { ClipsPerClass = 2, Frames = 8, Size = 32, Seed = 11 };
    public string Folder { get; } = TestVideos.TempFolder("synth");
    public SyntheticActions.Summary Summary { get; }
    public SmallSyntheticSet() => Summary = SyntheticActions.Generate(Folder, Settings);
}

public class SyntheticActionsTests(SmallSyntheticSet set) : IClassFixture<SmallSyntheticSet>
{
    static readonly SyntheticActionSettings Quiet = new() { Frames = 12, Size = 64, NoiseSigma = 6 };

    static byte[] Bytes(Mat m)
    {
        var b = new byte[m.Total() * m.ElemSize()];
        System.Runtime.InteropServices.Marshal.Copy(m.Data, b, 0, b.Length);
        return b;
    }

    static Mat MaskAt(SyntheticActions.RenderedClip c, int t) =>
        new Mat(c.MaskStrip, new Rect(t * c.Annotation.Width, 0, c.Annotation.Width, c.Annotation.Height)).Clone();

    [Fact]
    public void ClassesIncludeTheStudysHmdbClassesAndATimeReversedPair()
    {
        Assert.Subset(new HashSet<string>(SyntheticActions.ClassNames),
            new HashSet<string> { "clap", "wave", "smile", "drink", "golf" });
        Assert.NotEmpty(SyntheticActions.TimeReversedPairs);
        var (fwd, rev) = SyntheticActions.TimeReversedPairs[0];
        Assert.Equal(SyntheticActions.EvidenceColours[fwd], SyntheticActions.EvidenceColours[rev]);
        Assert.Equal(SyntheticActions.ClassNames.Count, Directory.GetDirectories(set.Folder).Length);
    }

    [Fact]
    public void TimeReversedPairShowsTheSameEvidenceInOppositeOrder()
    {
        var (fwd, rev) = SyntheticActions.TimeReversedPairs[0];
        for (int seed = 1; seed <= 3; seed++)
        {
            using var a = SyntheticActions.Render(fwd, 0, Quiet, seed);
            using var b = SyntheticActions.Render(rev, 1, Quiet, seed);
            var w = a.Annotation.Window;
            Assert.Equal(w, b.Annotation.Window);
            for (int j = 0; j < w.Length; j++)
            {
                using var ma = MaskAt(a, w.Start + j);
                using var mb = MaskAt(b, w.End - 1 - j);
                Assert.Equal(Bytes(ma), Bytes(mb));
                Assert.True(Cv2.CountNonZero(ma) > 0);
            }
            // As a set of frames, the two classes' evidence is the same: no single frame separates them.
            var posA = Enumerable.Range(w.Start, w.Length).Select(t => a.Annotation.EvidenceBoxes[t][0]).ToHashSet();
            var posB = Enumerable.Range(w.Start, w.Length).Select(t => b.Annotation.EvidenceBoxes[t][0]).ToHashSet();
            Assert.Equal(posA, posB);
        }
    }

    [Fact]
    public void DifferentClassesDifferOnlyInsideTheEvidenceMasks()
    {
        using var clap = SyntheticActions.Render("clap", 0, Quiet, 5);
        using var golf = SyntheticActions.Render("golf", 4, Quiet, 5);
        for (int t = 0; t < Quiet.Frames; t++)
        {
            using var either = new Mat();
            using var m1 = MaskAt(clap, t);
            using var m2 = MaskAt(golf, t);
            Cv2.BitwiseOr(m1, m2, either);
            using var diff = new Mat();
            Cv2.Absdiff(clap.Frames[t], golf.Frames[t], diff);
            using var grey = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
            using var outside = new Mat();
            Cv2.BitwiseNot(either, outside);
            using var diffOutside = new Mat();
            grey.CopyTo(diffOutside, outside);
            // body, clutter, ball, noise: shared
            Assert.Equal(0, Cv2.CountNonZero(diffOutside));
            if (!clap.Annotation.Relevant[t]) Assert.Equal(0, Cv2.CountNonZero(grey));      // idle frames: identical
        }
    }

    [Fact]
    public void EvidenceIsASmallRegionOfTheClassColourCoveredByTheMask()
    {
        foreach (var name in SyntheticActions.ClassNames)
        {
            using var c = SyntheticActions.Render(name, 0, Quiet with { NoiseSigma = 0 }, 9);
            for (int t = 0; t < Quiet.Frames; t++)
            {
                using var mask = MaskAt(c, t);
                int area = Cv2.CountNonZero(mask);
                Assert.Equal(c.Annotation.Relevant[t], area > 0);
                Assert.True(area < 0.05 * Quiet.Size * Quiet.Size, $"{name} frame {t}: evidence covers {area} pixels");
                if (area == 0) continue;
                var mean = Cv2.Mean(c.Frames[t], mask);
                var colour = SyntheticActions.EvidenceColours[name];
                for (int ch = 0; ch < 3; ch++) Assert.InRange(mean[ch], colour[ch] - 1, colour[ch] + 1);
                foreach (var box in c.Annotation.EvidenceBoxes[t])
                    Assert.True(box.Width * box.Height < 0.05 * Quiet.Size * Quiet.Size);
            }
        }
    }

    [Fact]
    public void ActionHappensInARandomWindowWithPerFrameRelevance()
    {
        var windows = new HashSet<FrameWindow>();
        foreach (var json in Directory.GetFiles(set.Folder, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("synthetic.json")))
        {
            var a = ClipAnnotation.Load(json);
            windows.Add(a.Window);
            Assert.InRange(a.Window.Length, a.Frames / 2, 3 * a.Frames / 4);
            Assert.Equal(Enumerable.Range(0, a.Frames).Select(a.Window.Contains), a.Relevant);
            Assert.All(Enumerable.Range(0, a.Frames), t => Assert.Equal(a.Relevant[t], a.EvidenceBoxes[t].Length > 0));
            Assert.True(a.Window.Start > 0 || a.Window.End < a.Frames);                    // some idle frames
        }
        Assert.True(windows.Count > 3, "windows should vary between clips");
    }

    [Fact]
    public void DistractorsMoveAndTheNoiseChangesEveryFrame()
    {
        using var c = SyntheticActions.Render("wave", 1, Quiet, 3);
        Assert.True(c.Annotation.DistractorBoxes.Distinct().Count() > Quiet.Frames / 2);
        const int idle = 0;
        using var diff = new Mat();
        Cv2.Absdiff(c.Frames[idle], c.Frames[idle + 1], diff);
        // Far more pixels change than the ball and the evidence cover: the texture noise.
        Assert.True(Cv2.CountNonZero(diff.CvtColor(ColorConversionCodes.BGR2GRAY)) > Quiet.Size * Quiet.Size / 2);
        using var still = SyntheticActions.Render("wave", 1, Quiet with { NoiseSigma = 0 }, 3);
        using var d2 = new Mat();
        Cv2.Absdiff(still.Frames[idle], still.Frames[idle + 1], d2);
        Assert.True(Cv2.CountNonZero(d2.CvtColor(ColorConversionCodes.BGR2GRAY)) < Quiet.Size * Quiet.Size / 2);
    }

    [Fact]
    public void GenerationIsDeterministicBySeed()
    {
        var again = TestVideos.TempFolder("synth-again");
        var settings = SmallSyntheticSet.Settings with { Classes = ["clap", "lower"] };
        SyntheticActions.Generate(again, settings);
        foreach (var name in new[] { "clap/clap_0001.json", "clap/clap_0001.masks.png", "clap/clap_0000.avi",
            "lower/lower_0000.masks.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(set.Folder, name)),
                File.ReadAllBytes(Path.Combine(again, name)));
        var other = TestVideos.TempFolder("synth-other");
        SyntheticActions.Generate(other, settings with { Seed = 12 });
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(set.Folder, "clap/clap_0001.masks.png")),
            File.ReadAllBytes(Path.Combine(other, "clap/clap_0001.masks.png")));
    }

    [Fact]
    public void WrittenVideosKeepTheEvidenceColourAndAlignWithTheMasks()
    {
        var video = Path.Combine(set.Folder, "golf", "golf_0000.avi");
        var a = ClipAnnotation.ForVideo(video);
        var o = new FrameSamplerOptions { Frames = a.Frames, ResizeShorterSide = 0, CropSize = 0,
            Normalization = Normalization.None, Layout = ClipLayout.TCHW };
        using var clip = FrameSampler.Sample(video, o);
        Assert.Equal(Enumerable.Range(0, a.Frames), clip.FrameIndices);
        using var masks = a.MasksFor(clip);                                                  // [T,H,W]
        Assert.Equal([a.Frames, 32L, 32], masks.shape);
        var colour = SyntheticActions.EvidenceColours["golf"];                              // BGR
        foreach (var t in Enumerable.Range(0, a.Frames).Where(t => a.Relevant[t]))
        {
            var m = masks[t].to_type(ScalarType.Bool);
            for (int c = 0; c < 3; c++)                                                     // clip is RGB
            {
                double inside = clip.Frames[t, c].masked_select(m).mean().item<float>() * 255;
                Assert.InRange(inside, colour[2 - c] - 45, colour[2 - c] + 45);
            }
        }
    }

    [Fact]
    public void MasksFollowTheClipsResizeCropAndFlip()
    {
        var video = Path.Combine(set.Folder, "clap", "clap_0001.avi");
        var a = ClipAnnotation.ForVideo(video);
        var o = new FrameSamplerOptions { Frames = 4, ResizeShorterSide = 24, CropSize = 20, Crop = CropMode.Random,
            FlipHorizontal = true, Seed = 3, Layout = ClipLayout.TCHW, Normalization = Normalization.None };
        using var clip = FrameSampler.Sample(video, o);
        using var masks = a.MasksFor(clip);
        Assert.Equal([4L, 20, 20], masks.shape);
        using var full = a.MasksAt(clip.FrameIndices);                                      // [T,32,32]
        for (int k = 0; k < 4; k++)
        {
            using var src = new Mat(32, 32, MatType.CV_8UC1);
            var bytes = full[k].mul(255).to_type(ScalarType.Byte).data<byte>().ToArray();
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, src.Data, bytes.Length);
            using var mapped = clip.Geometry.Apply(src, InterpolationFlags.Nearest);
            var expected = new byte[400];
            System.Runtime.InteropServices.Marshal.Copy(mapped.Data, expected, 0, 400);
            Assert.Equal(expected.Select(b => b >= 128 ? 1f : 0f), masks[k].data<float>().ToArray());
        }
        Assert.Equal(a.RelevanceAt(clip.FrameIndices), clip.FrameIndices.Select(i => a.Window.Contains(i)).ToArray());
    }

    [Fact]
    public void InterruptedGeneratorLeavesNoClipThatLooksComplete()
    {
        var dir = TestVideos.TempFolder("synth-interrupt");
        var settings = SmallSyntheticSet.Settings with { Classes = ["clap", "wave"], ClipsPerClass = 3 };
        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SyntheticActions.Generate(dir, settings, stop.Token,
            (cls, clip, frame) => { if (cls == "wave" && clip == 1 && frame == 3) stop.Cancel(); }));
        Assert.Empty(Directory.GetFiles(dir, ".*", SearchOption.AllDirectories));             // no temp files left
        Assert.False(File.Exists(SyntheticActions.VideoPath(dir, "wave", 1)));
        var videos = Directory.GetFiles(dir, "*.avi", SearchOption.AllDirectories);
        Assert.Equal(4, videos.Length);                                                     // clap 0-2, wave 0
        foreach (var v in videos)
        {
            Assert.True(File.Exists(Path.ChangeExtension(v, ".json")));
            Assert.True(File.Exists(Path.ChangeExtension(v, ".masks.png")));
        }
        Assert.Equal(4, VideoDataset.FromFolders(dir).Count);
        var resumed = SyntheticActions.Generate(dir, settings);
        Assert.Equal(4, resumed.AlreadyPresent);
        Assert.Equal(2, resumed.Written);
    }

    [Fact]
    public void QuickProfileIsSmallAndFullIsLarger()
    {
        var quick = SyntheticActionSettings.For(VideoGradCam.Runtime.Profile.Quick);
        var full = SyntheticActionSettings.For(VideoGradCam.Runtime.Profile.Full);
        Assert.InRange(quick.Size, 32, 64);
        Assert.True(full.Size > quick.Size && full.ClipsPerClass > quick.ClipsPerClass);
    }
}
