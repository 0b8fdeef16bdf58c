using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;

namespace VideoGradCam.Tests.Study;

public class StepCacheNonFiniteTests
{
    readonly string _dir = Path.Combine(TestTemp.Dir("steps-nonfinite"), "step");

    [Fact]
    public void AFinishedEntryHoldingNaNIsNotReusedButClearedAndRedone()
    {
        int runs = 0;
        void Produce(string dir, bool resume)
        {
            Assert.False(resume);
            Assert.False(File.Exists(Path.Combine(dir, "out")));                 // cleared, not resumed
            File.WriteAllText(Path.Combine(dir, "out"), runs++ == 0 ? "NaN" : "0.5");
        }
        string? Unusable(string dir) => File.ReadAllText(Path.Combine(dir, "out")) == "NaN" ? "out: NaN" : null;

        Assert.True(StepCache.Ensure(_dir, "s", new { size = 1 }, Produce, unusable: Unusable));
        Assert.True(StepCache.Ensure(_dir, "s", new { size = 1 }, Produce, unusable: Unusable));   // NaN: redone
        Assert.Equal(2, runs);
        Assert.False(StepCache.Ensure(_dir, "s", new { size = 1 }, Produce, unusable: Unusable));  // finite: reused
        Assert.Equal(2, runs);
    }

    [Fact]
    public void AStepThatMeetsNaNLeavesNoEntryToReuseOrResume()
    {
        Assert.Throws<NonFiniteException>(() => StepCache.Ensure(_dir, "s", new { size = 1 }, (d, _) =>
        {
            File.WriteAllText(Path.Combine(d, "epoch1"), "");
            throw NonFiniteException.InTraining("train x", "loss", "NaN", 2, 1);
        }));
        Assert.False(Directory.Exists(_dir));
        bool resumed = true;
        StepCache.Ensure(_dir, "s", new { size = 1 }, (_, resume) => resumed = resume);
        Assert.False(resumed);
    }
}
