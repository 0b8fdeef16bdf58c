using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Runtime;

/// <summary>The chooser's logic, proven with injected faults on any CPU.</summary>
public class ConvolutionChooserTests
{
    static ConvolutionCheck.Result Outcome(ConvolutionMode mode, int failed, double seconds) => new(mode,
        Enumerable.Range(0, 10)
            .Select(i => new ConvolutionCheck.ShapeOutcome($"conv2d {i}", i < failed ? double.NaN : 1e-6))
            .ToList(), seconds);

    static (ConvolutionVerdict Verdict, List<ConvolutionMode> Tried) Choose(
        Dictionary<ConvolutionMode, (int Failed, double Seconds)> outcomes)
    {
        var tried = new List<ConvolutionMode>();
        var verdict = ConvolutionChooser.Choose(
            m => { tried.Add(m); return Outcome(m, outcomes[m].Failed, outcomes[m].Seconds); }, "key");
        return (verdict, tried);
    }

    static Dictionary<ConvolutionMode, (int, double)> Modes(int oneDnn, int channelsLast, int avx2 = 0, int sse41 = 0,
        int off = 0) => new()
    {
        [ConvolutionMode.OneDnn] = (oneDnn, 1.0), [ConvolutionMode.ChannelsLast] = (channelsLast, 1.2),
        [ConvolutionMode.OneDnnAvx2] = (avx2, 1.5), [ConvolutionMode.OneDnnSse41] = (sse41, 4),
            [ConvolutionMode.OneDnnOff] = (off, 9),
    };

    [Fact]
    public void AnUnaffectedCpuKeepsTheFastestFirstChoiceAndTriesNoFallback()
    {
        var (verdict, tried) = Choose(Modes(oneDnn: 0, channelsLast: 0));
        Assert.Equal(ConvolutionMode.OneDnn, verdict.Mode);
        Assert.True(verdict.Passed);
        Assert.Equal(ConvolutionChooser.FirstChoices, tried);
    }

    [Fact]
    public void AFaultyDefaultIsReplacedByTheFastestModeThatPasses()
    {
        var (verdict, _) = Choose(Modes(oneDnn: 3, channelsLast: 0));
        Assert.Equal(ConvolutionMode.ChannelsLast, verdict.Mode);
        Assert.Contains("onednn failed 3 of 10 shapes", verdict.Reason);
    }

    [Fact]
    public void FallbacksAreTriedOnlyWhenBothFirstChoicesFailAndTheFastestPassingOneWins()
    {
        var (verdict, tried) = Choose(Modes(oneDnn: 3, channelsLast: 1, avx2: 2, sse41: 0, off: 0));
        Assert.Equal(ConvolutionModes.All, tried);
        Assert.Equal(ConvolutionMode.OneDnnSse41, verdict.Mode);
        Assert.True(verdict.Passed);
        Assert.Contains("onednn-off passed in 2.25x the time", verdict.Reason);
    }

    [Fact]
    public void WhenNoModePassesTheVerdictSaysSoAndKeepsTheLeastFaultyMode()
    {
        var (verdict, _) = Choose(Modes(oneDnn: 5, channelsLast: 4, avx2: 2, sse41: 1, off: 3));
        Assert.False(verdict.Passed);
        Assert.Equal(ConvolutionMode.OneDnnSse41, verdict.Mode);
        Assert.Contains("no mode passed", verdict.Reason);
    }

    [Fact]
    public void AVerdictIsCachedPerMachineAndReadBack()
    {
        var folder = Directory.CreateTempSubdirectory("verdict").FullName;
        try
        {
            Assert.Null(ConvolutionVerdict.Load(folder));
            var (verdict, _) = Choose(Modes(oneDnn: 3, channelsLast: 0));
            verdict.Save(folder);
            var read = ConvolutionVerdict.Load(folder)!;
            Assert.Equal(verdict.Mode, read.Mode);
            Assert.Equal(verdict.Reason, read.Reason);
            Assert.Equal(ConvolutionVerdict.MachineKey(), read.Machine);
            Assert.Contains(TorchSharpVersion(), read.Machine);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void ModeNamesRoundTripAndAnUnknownNameIsRefused()
    {
        foreach (var m in ConvolutionModes.All) Assert.Equal(m, ConvolutionModes.Parse(m.Name()));
        var e = Assert.Throws<ArgumentException>(() => ConvolutionModes.Parse("fast"));
        Assert.Contains("channels-last", e.Message);
    }

    static string TorchSharpVersion() => typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString();
}
