// A deliberately wrong fixture for LayerTests: the lower layer "Low" uses the higher layer "High" three ways.
namespace VideoGradCam.Tests.Architecture.Fixture.High
{
    public static class Top
    {
        public static int Value() => 1;
        public static int Use(Low.Bottom b) => b.Id; // downward: allowed
    }
}

namespace VideoGradCam.Tests.Architecture.Fixture.Low
{
    public sealed class Bottom { public int Id = 3; }

    public static class UsesHighInACall
    {
        public static int Run() => High.Top.Value();
    }

    public static class UsesHighInALambda
    {
        public static Func<int> Make() => () => High.Top.Value() + 1;
    }

    public sealed class UsesHighInAField
    {
        public Func<Bottom, int> Field = High.Top.Use;
        public Type Kind = typeof(High.Top);
    }
}
