using VideoGradCam.Study;

namespace VideoGradCam.Tests.Study;

public class StepCacheTests : IDisposable
{
    readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("steps").FullName, "step");
    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Fact]
    public void AFinishedStepIsReusedWhileItsConfigurationIsUnchanged()
    {
        int runs = 0;
        Assert.True(StepCache.Ensure(_dir, "s", new { size = 1 },
            (d, _) => { runs++; File.WriteAllText(Path.Combine(d, "out"), "1"); }));
        Assert.False(StepCache.Ensure(_dir, "s", new { size = 1 }, (_, _) => runs++));
        Assert.Equal(1, runs);
        Assert.True(StepCache.Ensure(_dir, "s", new { size = 2 },
            (d, _) => { runs++; Assert.False(File.Exists(Path.Combine(d, "out"))); }));
        Assert.Equal(2, runs);
    }

    [Fact]
    public void AnInterruptedStepResumesInItsFolderAndIsNotMarkedDone()
    {
        Assert.Throws<OperationCanceledException>(() => StepCache.Ensure(_dir, "s", new { size = 1 }, (d, resume) =>
        {
            Assert.False(resume);
            File.WriteAllText(Path.Combine(d, "epoch1"), "");
            throw new OperationCanceledException("killed during training");
        }));
        Assert.False(StepCache.IsDone(_dir, StepCache.Hash(new { size = 1 })));
        bool resumed = false;
        StepCache.Ensure(_dir, "s", new { size = 1 },
            (d, resume) => { resumed = resume && File.Exists(Path.Combine(d, "epoch1")); });
        Assert.True(resumed);
        Assert.True(StepCache.IsDone(_dir, StepCache.Hash(new { size = 1 })));
    }

    [Fact]
    public void CodeKeyChangesWithTheConfigurationAndIsStableForTheSameConfigurationAndBuild()
    {
        string Key(int size) => StepCache.Hash(StepCache.CodeKey(new { size }));
        Assert.Equal(Key(1), Key(1));
        Assert.NotEqual(Key(1), Key(2));
        Assert.NotEqual(StepCache.Hash(new { size = 1 }), Key(1));                           // the code joins the key
        Assert.Equal(typeof(StepCache).Module.ModuleVersionId.ToString("N")[..12], StepCache.CodeFingerprint);
    }

    [Fact]
    public void CamEvaluationKeyChangesWithTheCheckpointAndTheOptionsOnly()
    {
        var run = new StudyRun(VideoGradCam.Runtime.Profile.Quick, StudyData.Synthetic);
        string Key(string arch, string info) => StepCache.Hash(CamStudyEvaluations.CacheKey(arch, run, info));
        Assert.Equal(Key("r3d18", "{\"epoch\": 6}"), Key("r3d18", "{\"epoch\": 6}"));
        Assert.NotEqual(Key("r3d18", "{\"epoch\": 6}"), Key("r3d18", "{\"epoch\": 7}"));
        Assert.NotEqual(Key("r3d18", "{}"), Key("cnn-lstm", "{}"));                       // another CAM layer
    }

    [Fact]
    public void ForceRunsAgainFromScratch()
    {
        StepCache.Ensure(_dir, "s", new { size = 1 }, (d, _) => File.WriteAllText(Path.Combine(d, "old"), ""));
        bool clean = false;
        Assert.True(StepCache.Ensure(_dir, "s", new { size = 1 }, (d, resume) => clean = !resume
            && !File.Exists(Path.Combine(d, "old")), force: true));
        Assert.True(clean);
    }
}
