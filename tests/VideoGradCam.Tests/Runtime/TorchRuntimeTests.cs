using TorchSharp;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Runtime;

[Collection(SeededCollection.Name)]
public class TorchRuntimeTests
{
    [Fact]
    public void AutogradGradReachesAnIntermediateActivation()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 3, requires_grad: true);
        var act = x * 3;                       // the "activation"
        var y = (act * act).sum();
        var g = autograd.grad([y], [act])[0]; // dy/dact = 2*act
        Assert.True(g.allclose(act * 2));
    }

    [Fact]
    public void DeviceIsChosenOnce()
    {
        Assert.Equal(ComputeDevice.Default.type, ComputeDevice.Default.type);
        Assert.Contains("TorchSharp", ComputeDevice.Describe());
    }

    [Fact]
    public void SeedsMakeRandomTensorsReproducible()
    {
        Seeds.Set(3);
        using var a = rand(5);
        Seeds.Set(3);
        using var b = rand(5);
        Assert.True(a.allclose(b));
    }
}
