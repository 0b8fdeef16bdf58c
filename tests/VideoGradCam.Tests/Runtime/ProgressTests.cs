using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Runtime;

public class ProgressTests
{
    sealed class RecordingView : IProgressView
    {
        public readonly List<(ProgressState State, bool Final)> Shown = [];
        public void Show(ProgressState state, bool final) => Shown.Add((state, final));
    }

    [Fact]
    public void ProgressReportsEveryStepAndFinishesOnce()
    {
        var view = new RecordingView();
        using (var p = new Progress("epochs", 3, view))
        {
            p.Advance("loss 1.0");
            p.Advance("loss 0.5");
            p.Advance("loss 0.2");
        }
        Assert.Equal([0, 1, 2, 3, 3], view.Shown.Select(s => s.State.Done));
        Assert.Single(view.Shown, s => s.Final);
        Assert.Equal("loss 0.2", view.Shown[^1].State.Status);
        Assert.Contains("3/3", view.Shown[^1].State.Text());
        Assert.Contains("<progress value=\"3\" max=\"3\"", view.Shown[^1].State.Html());
    }

    [Fact]
    public void RemainingTimeFollowsTheRate()
    {
        var s = new ProgressState("x", 2, 6, TimeSpan.FromSeconds(10), null);
        Assert.Equal(TimeSpan.FromSeconds(20), s.Remaining);
        Assert.Equal(0.2, s.RatePerSecond, 6);
        Assert.Null((s with { Done = 0 }).Remaining);
    }
}
